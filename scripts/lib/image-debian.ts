/** Debian packages for the local cluster's images: trixie's, resolved and fetched with an apt state of our own in the cache, never installed on the host. */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { CACHE } from "./paths";
import { runLogged, say } from "./log";
import type { DebPackage, LocalImage } from "./images";

// --- Debian packages (trixie), with apt state of our own ---

/** Debian suite the images' packages come from. */
export const DEBIAN_SUITE = "trixie";
/** Private apt configuration, lists and package cache: the host's apt state is never touched. */
const APT_DIR = path.join(CACHE, "debian", DEBIAN_SUITE);
/** Package lists older than this are refreshed, so images pick up the suite's security updates. */
const APT_LISTS_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Suite a package the image suite does not carry may come from, named in a recipe as
 * `package/unstable` (ttyd: Debian removed it from trixie). Pinned below the image suite
 * (UNSTABLE_PREFERENCES), so nothing else, no library such a package links, is taken from it.
 */
export const UNSTABLE_SUITE = "unstable";

/**
 * sources.list of the image suite: main, updates and security, signed by the host's Debian keyring;
 * and unstable, whose Release files a mirror's snapshot lets expire (Valid-Until is a week), hence
 * `check-valid-until=no` for it alone: its packages are still checked against the signed Release.
 */
export function renderAptSources(suite: string): string {
    const signed = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]";
    return [
        `deb ${signed} http://deb.debian.org/debian ${suite} main`,
        `deb ${signed} http://deb.debian.org/debian ${suite}-updates main`,
        `deb ${signed} http://deb.debian.org/debian-security ${suite}-security main`,
        `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg check-valid-until=no] http://deb.debian.org/debian ${UNSTABLE_SUITE} main`,
        "",
    ].join("\n");
}

/** apt preferences: unstable below the image suite's default 500, so only `package/unstable` takes from it. */
export const UNSTABLE_PREFERENCES = ["Package: *", `Pin: release a=${UNSTABLE_SUITE}`, "Pin-Priority: 100", ""].join("\n");

/**
 * apt.conf (read through APT_CONFIG, before the host's config) that moves every apt folder under
 * `dir`, so the host's apt.conf.d, sources, lists and dpkg status play no part; the dpkg status is an
 * empty file, so a simulated install reports a package's whole dependency closure.
 */
export function renderAptConfig(dir: string): string {
    return [
        `Dir::Etc "${dir}/etc/";`,
        `Dir::State "${dir}/state/";`,
        `Dir::State::status "${dir}/state/status";`,
        `Dir::Cache "${dir}/cache/";`,
        `Dir::Log "${dir}/log/";`,
        'APT::Architecture "amd64";',
        'APT::Architectures { "amd64"; };',
        'APT::Install-Recommends "false";',
        'APT::Install-Suggests "false";',
        'Acquire::Languages "none";',
        // The cache lives in root's home, which apt's unprivileged download user cannot write.
        'APT::Sandbox::User "root";',
        "",
    ].join("\n");
}

function aptEnv(): NodeJS.ProcessEnv {
    return { ...process.env, APT_CONFIG: path.join(APT_DIR, "apt.conf"), DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" };
}

/** Writes the private apt folders and refreshes the lists when missing or stale. */
export async function ensureAptLists(tag: string): Promise<void> {
    for (const d of ["etc/apt.conf.d", "etc/sources.list.d", "etc/preferences.d", "etc/trusted.gpg.d", "state/lists/partial", "cache/archives/partial", "log", "pool"]) {
        fs.mkdirSync(path.join(APT_DIR, d), { recursive: true });
    }
    fs.writeFileSync(path.join(APT_DIR, "apt.conf"), renderAptConfig(APT_DIR));
    const sources = path.join(APT_DIR, "etc", "sources.list");
    const sourcesChanged = !fs.existsSync(sources) || fs.readFileSync(sources, "utf8") !== renderAptSources(DEBIAN_SUITE);
    fs.writeFileSync(sources, renderAptSources(DEBIAN_SUITE));
    fs.writeFileSync(path.join(APT_DIR, "etc", "preferences.d", "unstable"), UNSTABLE_PREFERENCES);
    const status = path.join(APT_DIR, "state", "status");
    if (!fs.existsSync(status)) {
        fs.writeFileSync(status, "");
    }
    const lists = path.join(APT_DIR, "state", "lists");
    const indexes = fs.readdirSync(lists).filter((f) => f.endsWith("_Packages") || f.endsWith("_Packages.lz4"));
    const newest = Math.max(0, ...indexes.map((f) => fs.statSync(path.join(lists, f)).mtimeMs));
    if (!sourcesChanged && indexes.length > 0 && Date.now() - newest < APT_LISTS_MAX_AGE_MS) {
        return;
    }
    say(tag, `Debian ${DEBIAN_SUITE}: fetching package lists (private apt state in ${APT_DIR})`);
    await runLogged("apt-get", ["update"], { env: aptEnv(), logFile: "images.log", tag, label: `apt-get update (${DEBIAN_SUITE})` });
}

function aptQuery(cmd: string, args: string[]): string {
    const r = spawnSync(cmd, args, { env: aptEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
    }
    return r.stdout;
}

/** The packages a simulated `apt-get install` would unpack (`Inst name (version ...)` lines). */
export function parseAptSimulation(output: string): DebPackage[] {
    const out: DebPackage[] = [];
    for (const line of output.split("\n")) {
        const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) /.exec(line);
        if (m) {
            out.push({ name: m[1], version: m[2] });
        }
    }
    return out;
}

/** The packages and their whole dependency closure, at the candidate versions. */
function resolveClosure(pkgs: string[]): DebPackage[] {
    if (pkgs.length === 0) {
        return [];
    }
    const closure = parseAptSimulation(aptQuery("apt-get", ["install", "--simulate", "--no-install-recommends", ...pkgs]));
    // `name/suite` asks for a package from another suite; the simulation reports it by name.
    const missing = pkgs.filter((p) => !closure.some((d) => d.name === p.replace(/\/.*$/, "")));
    if (missing.length > 0) {
        throw new Error(`Debian ${DEBIAN_SUITE} has no installable ${missing.join(", ")}`);
    }
    return closure;
}

/** One package alone (its files are wanted, not its dependencies), at the candidate version. */
function resolveAlone(pkg: string): DebPackage {
    const m = /^Version: (\S+)$/m.exec(aptQuery("apt-cache", ["show", "--no-all-versions", pkg]));
    if (!m) {
        throw new Error(`Debian ${DEBIAN_SUITE} has no version of ${pkg}`);
    }
    return { name: pkg, version: m[1] };
}

/** The packages an image's root gets: its closure plus the CA-bundle sources. */
export function resolveImageDebs(image: LocalImage): DebPackage[] {
    const debs = resolveClosure(image.debPackages ?? []);
    for (const e of image.entries) {
        if (e.kind === "ca-bundle" && !debs.some((d) => d.name === e.debPackage)) {
            debs.push(resolveAlone(e.debPackage));
        }
    }
    return debs;
}

/** Downloads (once) each package's .deb into pool/<name>/<version>/; returns the .deb paths. */
export async function fetchDebs(debs: DebPackage[], tag: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: DebPackage[] = [];
    const dirOf = (d: DebPackage) => path.join(APT_DIR, "pool", d.name, d.version.replace(/:/g, "%3a"));
    const debIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith(".deb")) : undefined);
    for (const d of debs) {
        if (!debIn(dirOf(d))) {
            missing.push(d);
        }
    }
    if (missing.length > 0) {
        say(tag, `Debian ${DEBIAN_SUITE}: downloading ${missing.map((d) => `${d.name}=${d.version}`).join(" ")}`);
    }
    for (const d of missing) {
        const dir = dirOf(d);
        const tmp = `${dir}.tmp-${process.pid}`;
        fs.mkdirSync(tmp, { recursive: true });
        await runLogged("apt-get", ["download", `${d.name}=${d.version}`], { cwd: tmp, env: aptEnv(), logFile: "images.log", tag, label: `apt-get download ${d.name}` });
        renameUnlessDone(tmp, dir);
    }
    for (const d of debs) {
        out.set(d.name, path.join(dirOf(d), debIn(dirOf(d)) as string));
    }
    return out;
}

/**
 * Moves a finished folder into the cache; when another run (e.g. a concurrent `local up`) put the
 * same inputs' result there first, keeps that one and drops ours.
 */
export function renameUnlessDone(tmp: string, dest: string): void {
    try {
        fs.renameSync(tmp, dest);
    } catch (err) {
        if (!fs.existsSync(dest)) {
            throw err;
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}
