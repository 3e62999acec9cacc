/**
 * The images the local cluster runs, built on this machine: no container registry is reachable and
 * there is no Docker engine. Each image is one layer assembled from Go binaries (image-tools.ts)
 * and files of Debian packages (trixie, fetched with a private apt state, never installed on the
 * host), written as an OCI image layout in the tool cache, and pushed to a plain-HTTP registry on the
 * host that the nodes' containerd pulls from as a mirror.
 *
 * Images keep the references the platform's manifests use (versions.ts) and the entrypoint, user and
 * environment of upstream's images, so nothing in the manifests changes. In the registry an image
 * sits under its source host: `docker.io/flannel/flannel:v0.28.10` is pushed as
 * `<registry>/docker.io/flannel/flannel:v0.28.10`.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { spawn, spawnSync } from "child_process";
import { Transform } from "stream";
import { pipeline } from "stream/promises";
import YAML from "yaml";
import { BUSYBOX_IMAGE, COREDNS_IMAGE, FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, KUBE_NETWORK_POLICIES_IMAGE, PAUSE_IMAGE, REGISTRY_IMAGE } from "../../components/versions";
import { CACHE } from "./paths";
import { elapsed, runLogged, say } from "./log";
import { ensureDebPackages } from "./node-tools";
import { cachedBinary, ensureGoTool, GoTool } from "./tools";
import { corednsTool, craneTool, flannelCniPluginTool, flannelTool, pauseTool, registryTool } from "./image-tools";
import { netpolTools } from "./netpol-tools";

export { registryTool };

// --- What each image is ---

/** Fields of an OCI image config's `config` object that these images set (upstream's names). */
export interface ImageConfig {
    /** Entrypoint. @default none */
    Entrypoint?: string[];
    /** Default arguments (or command, without an entrypoint). @default none */
    Cmd?: string[];
    /** Environment, `NAME=value`. */
    Env: string[];
    /** User, `uid:gid`. @default root */
    User?: string;
    /** Working directory. @default "/" */
    WorkingDir?: string;
    /** Ports the image documents, e.g. `53/udp`. @default none */
    ExposedPorts?: Record<string, Record<string, never>>;
}

/** One thing the image's root gets beside its Debian packages, applied in order. */
export type RootEntry =
    /** A Go tool's binary; `capabilities` are file capabilities in setcap(8) form. */
    | { kind: "binary"; path: string; tool: GoTool; capabilities?: string }
    /** A text file of ours. */
    | { kind: "file"; path: string; content: string; mode: number }
    /** A folder, with its mode and owner. */
    | { kind: "dir"; path: string; mode: number; uid?: number; gid?: number }
    /** A symbolic link (what a package's maintainer script would make, e.g. an alternative). */
    | { kind: "symlink"; path: string; target: string }
    /** The PEM bundle of a CA-certificates package (what its update-ca-certificates would write). */
    | { kind: "ca-bundle"; path: string; debPackage: string };

/** How one image of the local cluster is built. */
export interface LocalImage {
    /** Full reference, as versions.ts and the platform's manifests name it. */
    ref: string;
    /** One line on what the image is and how it differs from upstream's. */
    description: string;
    /**
     * Debian packages extracted into the root with their dependency closure (no maintainer scripts
     * run: what they would do is spelled out as entries). Roots with packages get merged-/usr links.
     * @default none
     */
    debPackages?: string[];
    /**
     * Debian package whose upstream version the tag must equal (the build stops, naming the line of
     * versions.ts to change, when the suite moves on). @default none
     */
    tagIsVersionOf?: string;
    /** Link every busybox applet (from the busybox-static package) that no package file shadows. @default false */
    busyboxApplets?: boolean;
    /** Binaries, files, folders and links, applied after the packages. */
    entries: RootEntry[];
    /** The image config. */
    config: ImageConfig;
}

/** PATH of upstream's images (Docker's default). */
export const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** uid/gid of distroless's `nonroot` user, which CoreDNS's image runs as. */
export const NONROOT_ID = 65532;

/** The commands iptables' maintainer script points at the nf_tables variants (update-alternatives). */
const IPTABLES_ALTERNATIVES = ["iptables", "iptables-save", "iptables-restore", "ip6tables", "ip6tables-save", "ip6tables-restore"];

/** /etc/passwd and /etc/group of an image: root, the given extra users, nobody. */
export function renderAccounts(users: { name: string; id: number; home: string }[]): { passwd: string; group: string } {
    const all = [{ name: "root", id: 0, home: "/root" }, ...users, { name: "nobody", id: 65534, home: "/nonexistent" }];
    const shell = (id: number) => (id === 0 ? "/bin/sh" : "/sbin/nologin");
    return {
        passwd: all.map((u) => `${u.name}:x:${u.id}:${u.id}:${u.name}:${u.home}:${shell(u.id)}\n`).join(""),
        group: all.map((u) => `${u.name === "nobody" ? "nogroup" : u.name}:x:${u.id}:\n`).join(""),
    };
}

/** The images of the local cluster, in build order (cheapest first). */
export function localImages(): LocalImage[] {
    const busyboxAccounts = renderAccounts([{ name: "www-data", id: 33, home: "/var/www" }]);
    const corednsAccounts = renderAccounts([{ name: "nonroot", id: NONROOT_ID, home: "/home/nonroot" }]);
    return [
        {
            ref: PAUSE_IMAGE,
            description: "pod sandbox: our own Go pause (tools/go/pause) in place of upstream's C one; same entrypoint and user",
            entries: [{ kind: "binary", path: "/pause", tool: pauseTool() }],
            config: { Entrypoint: ["/pause"], Env: [DEFAULT_PATH], User: "65535:65535", WorkingDir: "/" },
        },
        {
            ref: BUSYBOX_IMAGE,
            description: "busybox for the example apps: Debian's busybox-static with its applets linked, like the official image",
            debPackages: ["busybox-static"],
            tagIsVersionOf: "busybox-static",
            busyboxApplets: true,
            entries: [
                { kind: "file", path: "/etc/passwd", content: busyboxAccounts.passwd, mode: 0o644 },
                { kind: "file", path: "/etc/group", content: busyboxAccounts.group, mode: 0o644 },
                { kind: "dir", path: "/root", mode: 0o700 },
                { kind: "dir", path: "/home", mode: 0o755 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "dir", path: "/var/www", mode: 0o755, uid: 33, gid: 33 },
            ],
            config: { Cmd: ["sh"], Env: [DEFAULT_PATH] },
        },
        {
            ref: FLANNEL_CNI_PLUGIN_IMAGE,
            description: "the flannel CNI plugin at /flannel, with busybox for the `cp` the install init container runs (upstream: alpine)",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [{ kind: "binary", path: "/flannel", tool: flannelCniPluginTool() }],
            config: { Cmd: ["/bin/sh"], Env: [DEFAULT_PATH] },
        },
        {
            ref: FLANNEL_IMAGE,
            description:
                "flanneld at /opt/bin/flanneld with Debian's iptables (nf_tables backend) and busybox; upstream's alpine image also " +
                "carries iproute2, nftables, strongswan and wireguard-tools, which the vxlan and host-gw backends do not use",
            debPackages: ["iptables", "netbase", "busybox-static"],
            busyboxApplets: true,
            entries: [
                ...IPTABLES_ALTERNATIVES.map((cmd): RootEntry => ({
                    kind: "symlink",
                    path: `/usr/sbin/${cmd}`,
                    target: cmd.replace(/^(ip6?tables)/, "$1-nft"),
                })),
                { kind: "dir", path: "/run", mode: 0o755 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "binary", path: "/opt/bin/flanneld", tool: flannelTool() },
            ],
            config: { Entrypoint: ["/opt/bin/flanneld"], Env: [DEFAULT_PATH] },
        },
        {
            ref: COREDNS_IMAGE,
            description: "CoreDNS on a distroless-like root (CA bundle, nonroot user), /coredns with cap_net_bind_service as upstream",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "file", path: "/etc/passwd", content: corednsAccounts.passwd, mode: 0o644 },
                { kind: "file", path: "/etc/group", content: corednsAccounts.group, mode: 0o644 },
                { kind: "dir", path: "/home/nonroot", mode: 0o700, uid: NONROOT_ID, gid: NONROOT_ID },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "binary", path: "/coredns", tool: corednsTool(), capabilities: "cap_net_bind_service=+ep" },
            ],
            config: {
                Entrypoint: ["/coredns"],
                Env: [DEFAULT_PATH, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
                User: `${NONROOT_ID}:${NONROOT_ID}`,
                WorkingDir: "/",
                ExposedPorts: { "53/tcp": {}, "53/udp": {} },
            },
        },
        {
            ref: KUBE_NETWORK_POLICIES_IMAGE,
            description:
                "the NetworkPolicy agent at /bin/netpol on a distroless-like root, as upstream; built with the NFQUEUE-target " +
                "change of tools/go/kube-network-policies (this kernel has no nft queue expression)",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "binary", path: "/bin/netpol", tool: netpolTools()[0] },
            ],
            config: { Entrypoint: ["/bin/netpol"], Env: [DEFAULT_PATH] },
        },
        {
            ref: REGISTRY_IMAGE,
            description: "the distribution registry at /bin/registry with busybox (the GC job runs a shell script), entrypoint as upstream's",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [
                { kind: "binary", path: "/bin/registry", tool: registryTool() },
                { kind: "file", path: "/entrypoint.sh", content: REGISTRY_ENTRYPOINT, mode: 0o755 },
                { kind: "dir", path: "/var/lib/registry", mode: 0o755 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
            ],
            config: { Entrypoint: ["/entrypoint.sh"], Cmd: ["/etc/distribution/config.yml"], Env: [DEFAULT_PATH], ExposedPorts: { "5000/tcp": {} } },
        },
    ];
}

/** The registry image's entrypoint: a config file argument means `registry serve <file>`, as in upstream's image. */
export const REGISTRY_ENTRYPOINT = [
    "#!/bin/sh",
    "set -e",
    "case \"$1\" in",
    "    *.yaml|*.yml) set -- registry serve \"$@\" ;;",
    "    serve|garbage-collect|help|-*) set -- registry \"$@\" ;;",
    "esac",
    "exec \"$@\"",
    "",
].join("\n");

/** Splits `host/path/name:tag` into repository and tag (references here always carry a tag). */
export function splitRef(ref: string): { repository: string; tag: string } {
    const m = /^([^@\s]+\/[^:@\s]+):([\w][\w.-]{0,127})$/.exec(ref);
    if (!m) {
        throw new Error(`image reference "${ref}" must be host/repository:tag`);
    }
    return { repository: m[1], tag: m[2] };
}

/** Where an image sits in the host registry: its full reference under the registry, source host kept. */
export function registryRef(registry: string, ref: string): string {
    return `${registry}/${ref}`;
}

/** The upstream version in a Debian version: `1:1.37.0-6+b9` → `1.37.0`. */
export function upstreamVersion(debVersion: string): string {
    return debVersion.replace(/^\d+:/, "").replace(/-[^-]*$/, "");
}

// --- Cache keys ---

/** A Debian package at a version. */
export interface DebPackage {
    name: string;
    version: string;
}

/** Everything an image's bytes depend on. */
export interface ImageKeyInputs {
    /** The recipe, with each tool replaced by what identifies its binary. */
    image: LocalImage;
    /** Identity of each tool binary, by tool id: cache path (version and wrapper hash) and content hash. */
    binaries: Record<string, { version: string; cachedAs: string; sha256: string }>;
    /** Every Debian package the root gets, at the resolved versions. */
    debs: DebPackage[];
}

/** Bump when the way roots, layers or configs are written changes (it is in every cache key). */
export const IMAGE_FORMAT = 1;

/** Checks an image's tag against the package it carries; returns the problem, naming what to change. */
export function checkTagVersion(image: LocalImage, debs: DebPackage[]): string | undefined {
    if (!image.tagIsVersionOf) {
        return undefined;
    }
    const deb = debs.find((d) => d.name === image.tagIsVersionOf);
    const version = deb ? upstreamVersion(deb.version) : undefined;
    if (version !== splitRef(image.ref).tag) {
        return `${image.ref} carries ${image.tagIsVersionOf} ${deb?.version ?? "(missing)"}: set its tag in components/versions.ts to ${version ?? "a packaged version"}`;
    }
    return undefined;
}

/** Short hash of all an image's inputs: a changed tool, package version, file or config gives a new key. */
export function imageCacheKey(inputs: ImageKeyInputs): string {
    const image = {
        ...inputs.image,
        entries: inputs.image.entries.map((e) => (e.kind === "binary" ? { ...e, tool: e.tool.id } : e)),
    };
    const binaries = Object.keys(inputs.binaries).sort().map((id) => [id, inputs.binaries[id]]);
    const debs = [...inputs.debs].sort((a, b) => a.name.localeCompare(b.name)).map((d) => `${d.name}=${d.version}`);
    const h = crypto.createHash("sha256");
    h.update(JSON.stringify({ format: IMAGE_FORMAT, image, binaries, debs, prune: PRUNED_PATHS }));
    return h.digest("hex").slice(0, 16);
}

// --- Debian packages (trixie), with apt state of our own ---

/** Debian suite the images' packages come from. */
export const DEBIAN_SUITE = "trixie";
/** Private apt configuration, lists and package cache: the host's apt state is never touched. */
const APT_DIR = path.join(CACHE, "debian", DEBIAN_SUITE);
/** Package lists older than this are refreshed, so images pick up the suite's security updates. */
const APT_LISTS_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** sources.list of the image suite: main, updates and security, signed by the host's Debian keyring. */
export function renderAptSources(suite: string): string {
    const signed = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]";
    return [
        `deb ${signed} http://deb.debian.org/debian ${suite} main`,
        `deb ${signed} http://deb.debian.org/debian ${suite}-updates main`,
        `deb ${signed} http://deb.debian.org/debian-security ${suite}-security main`,
        "",
    ].join("\n");
}

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
async function ensureAptLists(tag: string): Promise<void> {
    for (const d of ["etc/apt.conf.d", "etc/sources.list.d", "etc/preferences.d", "etc/trusted.gpg.d", "state/lists/partial", "cache/archives/partial", "log", "pool"]) {
        fs.mkdirSync(path.join(APT_DIR, d), { recursive: true });
    }
    fs.writeFileSync(path.join(APT_DIR, "apt.conf"), renderAptConfig(APT_DIR));
    fs.writeFileSync(path.join(APT_DIR, "etc", "sources.list"), renderAptSources(DEBIAN_SUITE));
    const status = path.join(APT_DIR, "state", "status");
    if (!fs.existsSync(status)) {
        fs.writeFileSync(status, "");
    }
    const lists = path.join(APT_DIR, "state", "lists");
    const indexes = fs.readdirSync(lists).filter((f) => f.endsWith("_Packages") || f.endsWith("_Packages.lz4"));
    const newest = Math.max(0, ...indexes.map((f) => fs.statSync(path.join(lists, f)).mtimeMs));
    if (indexes.length > 0 && Date.now() - newest < APT_LISTS_MAX_AGE_MS) {
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
    const missing = pkgs.filter((p) => !closure.some((d) => d.name === p));
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
function resolveImageDebs(image: LocalImage): DebPackage[] {
    const debs = resolveClosure(image.debPackages ?? []);
    for (const e of image.entries) {
        if (e.kind === "ca-bundle" && !debs.some((d) => d.name === e.debPackage)) {
            debs.push(resolveAlone(e.debPackage));
        }
    }
    return debs;
}

/** Downloads (once) each package's .deb into pool/<name>/<version>/; returns the .deb paths. */
async function fetchDebs(debs: DebPackage[], tag: string): Promise<Map<string, string>> {
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
function renameUnlessDone(tmp: string, dest: string): void {
    try {
        fs.renameSync(tmp, dest);
    } catch (err) {
        if (!fs.existsSync(dest)) {
            throw err;
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

// --- Root filesystem ---

/**
 * What packages ship that an image does not need; each package's copyright file is kept. gconv is
 * glibc's iconv modules (8 MB): only iconv(3) callers load them, and none of these images' programs is one.
 */
export const PRUNED_PATHS = [
    "usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/initramfs-tools", "usr/share/bug",
    "usr/lib/x86_64-linux-gnu/gconv",
];

function run(cmd: string, args: string[]): string {
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout || "").trim()}`);
    }
    return r.stdout;
}

/** Removes docs but the copyright files, and the paths in PRUNED_PATHS. */
function pruneRoot(root: string): void {
    for (const p of PRUNED_PATHS) {
        fs.rmSync(path.join(root, p), { recursive: true, force: true });
    }
    const docs = path.join(root, "usr/share/doc");
    if (fs.existsSync(docs)) {
        for (const pkg of fs.readdirSync(docs)) {
            const dir = path.join(docs, pkg);
            for (const f of fs.readdirSync(dir)) {
                if (f !== "copyright") {
                    fs.rmSync(path.join(dir, f), { recursive: true, force: true });
                }
            }
        }
    }
}

/** Links each busybox applet under usr/bin or usr/sbin, unless a package already ships that command. */
function linkBusyboxApplets(root: string): void {
    const busybox = path.join(root, "usr/bin/busybox");
    for (const applet of run(busybox, ["--list-full"]).split("\n").filter(Boolean)) {
        const dir = /(^|\/)sbin\//.test(applet) ? "usr/sbin" : "usr/bin";
        const link = path.join(root, dir, path.basename(applet));
        if (!fs.existsSync(link) && !isSymlink(link)) {
            fs.mkdirSync(path.dirname(link), { recursive: true });
            fs.symlinkSync("/usr/bin/busybox", link);
        }
    }
}

function isSymlink(p: string): boolean {
    try {
        return fs.lstatSync(p).isSymbolicLink();
    } catch {
        return false;
    }
}

/** The PEM bundle update-ca-certificates writes: every certificate the package ships, in name order. */
function caBundle(debFile: string, scratch: string): string {
    fs.mkdirSync(scratch, { recursive: true });
    run("dpkg-deb", ["-x", debFile, scratch]);
    const certs: string[] = [];
    const walk = (dir: string) => {
        for (const f of fs.readdirSync(dir).sort()) {
            const p = path.join(dir, f);
            if (fs.statSync(p).isDirectory()) {
                walk(p);
            } else if (f.endsWith(".crt")) {
                certs.push(fs.readFileSync(p, "utf8").trimEnd() + "\n");
            }
        }
    };
    walk(path.join(scratch, "usr/share/ca-certificates"));
    if (certs.length === 0) {
        throw new Error(`${path.basename(debFile)} ships no certificates under /usr/share/ca-certificates`);
    }
    return certs.join("");
}

/** Builds an image's root folder: merged-/usr links, packages, busybox applets, then the entries. */
function assembleRoot(image: LocalImage, root: string, debFiles: Map<string, string>, binaries: Map<string, string>): void {
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    const closure = image.debPackages ?? [];
    if (closure.length > 0) {
        // trixie's packages ship their files under /usr only; the bootstrapper makes these links.
        fs.mkdirSync(path.join(root, "usr"), { mode: 0o755 });
        for (const d of ["bin", "sbin", "lib", "lib64"]) {
            fs.mkdirSync(path.join(root, "usr", d), { mode: 0o755 });
            fs.symlinkSync(`usr/${d}`, path.join(root, d));
        }
        for (const [name, file] of debFiles) {
            if (!image.entries.some((e) => e.kind === "ca-bundle" && e.debPackage === name)) {
                run("dpkg-deb", ["-x", file, root]);
            }
        }
        pruneRoot(root);
    }
    if (image.busyboxApplets) {
        linkBusyboxApplets(root);
    }
    for (const e of image.entries) {
        const dest = path.join(root, e.path);
        fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
        switch (e.kind) {
            case "binary":
                fs.copyFileSync(binaries.get(e.tool.id) as string, dest);
                fs.chmodSync(dest, 0o755);
                if (e.capabilities) {
                    run("setcap", [e.capabilities, dest]);
                }
                break;
            case "file":
                fs.writeFileSync(dest, e.content);
                fs.chmodSync(dest, e.mode);
                break;
            case "dir":
                fs.mkdirSync(dest, { recursive: true });
                fs.chmodSync(dest, e.mode);
                fs.chownSync(dest, e.uid ?? 0, e.gid ?? 0);
                break;
            case "symlink":
                fs.rmSync(dest, { force: true });
                fs.symlinkSync(e.target, dest);
                break;
            case "ca-bundle":
                fs.writeFileSync(dest, caBundle(debFiles.get(e.debPackage) as string, `${root}.ca`));
                fs.chmodSync(dest, 0o644);
                fs.rmSync(`${root}.ca`, { recursive: true, force: true });
                break;
        }
    }
}

// --- OCI image layout ---

/** The media types written. */
const MEDIA = {
    index: "application/vnd.oci.image.index.v1+json",
    manifest: "application/vnd.oci.image.manifest.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};

/** A content descriptor. */
export interface Descriptor {
    mediaType: string;
    digest: string;
    size: number;
}

/** The OCI image config of a one-layer linux/amd64 image. */
export function renderOciConfig(image: LocalImage, diffId: string): string {
    return JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: image.config,
        rootfs: { type: "layers", diff_ids: [diffId] },
        history: [{ created_by: `containercloud scripts/lib/images.ts: ${image.description}` }],
    });
}

/** The OCI manifest of a one-layer image. */
export function renderOciManifest(config: Descriptor, layer: Descriptor): string {
    return JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config, layers: [layer] });
}

/** index.json naming the image as containerd's `ctr images import` and crane read it. */
export function renderOciIndex(ref: string, manifest: Descriptor): string {
    return JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.index,
        manifests: [{
            ...manifest,
            annotations: { "io.containerd.image.name": ref, "org.opencontainers.image.ref.name": splitRef(ref).tag },
            platform: { architecture: "amd64", os: "linux" },
        }],
    });
}

function sha256Stream(onDone: (hex: string, size: number) => void): Transform {
    const h = crypto.createHash("sha256");
    let size = 0;
    return new Transform({
        transform(chunk: Buffer, _enc, cb) {
            h.update(chunk);
            size += chunk.length;
            cb(null, chunk);
        },
        flush(cb) {
            onDone(h.digest("hex"), size);
            cb();
        },
    });
}

function writeBlob(layout: string, content: string, mediaType: string): Descriptor {
    const hex = crypto.createHash("sha256").update(content).digest("hex");
    fs.writeFileSync(path.join(layout, "blobs", "sha256", hex), content);
    return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
}

/**
 * Tars the root into one gzip layer (sorted, mtimes 0, numeric owners, file capabilities kept as
 * PAX xattr records) and writes the layout; returns the manifest's descriptor.
 */
async function writeLayout(image: LocalImage, root: string, layout: string): Promise<Descriptor> {
    fs.mkdirSync(path.join(layout, "blobs", "sha256"), { recursive: true });
    const entries = fs.readdirSync(root).sort();
    const tar = spawn("tar", [
        "--create", "--file=-", `--directory=${root}`, "--sort=name", "--numeric-owner", "--mtime=@0",
        "--format=posix", "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
        "--xattrs", "--xattrs-include=security.capability", "--", ...entries,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    tar.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => tar.on("close", resolve));
    let diffId = "";
    let layer: Descriptor = { mediaType: MEDIA.layer, digest: "", size: 0 };
    const tmp = path.join(layout, "blobs", "layer.tmp");
    await pipeline(
        tar.stdout,
        sha256Stream((hex) => (diffId = `sha256:${hex}`)),
        zlib.createGzip({ level: 9 }),
        sha256Stream((hex, size) => (layer = { mediaType: MEDIA.layer, digest: `sha256:${hex}`, size })),
        fs.createWriteStream(tmp),
    );
    const code = await exited;
    if (code !== 0) {
        throw new Error(`tar of ${image.ref} failed (exit ${code}): ${stderr.trim()}`);
    }
    fs.renameSync(tmp, path.join(layout, "blobs", "sha256", layer.digest.slice("sha256:".length)));
    const config = writeBlob(layout, renderOciConfig(image, diffId), MEDIA.config);
    const manifest = writeBlob(layout, renderOciManifest(config, layer), MEDIA.manifest);
    fs.writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    fs.writeFileSync(path.join(layout, "index.json"), renderOciIndex(image.ref, manifest));
    return manifest;
}

/** A built image: its layout folder, manifest digest and compressed size. */
export interface BuiltImage {
    /** OCI image layout folder in the cache. */
    layout: string;
    /** Manifest digest (`sha256:...`). */
    digest: string;
    /** Bytes of config and layer, as pulled. */
    size: number;
}

/** Folder of an image's cached layouts. */
function imageCacheDir(ref: string): string {
    return path.join(CACHE, "images", ref.replace(/[/:@]/g, "_"));
}

function readBuilt(layout: string): BuiltImage | undefined {
    const indexFile = path.join(layout, "index.json");
    if (!fs.existsSync(indexFile)) {
        return undefined;
    }
    const desc = JSON.parse(fs.readFileSync(indexFile, "utf8")).manifests[0] as Descriptor;
    const manifest = JSON.parse(fs.readFileSync(path.join(layout, "blobs", "sha256", desc.digest.slice(7)), "utf8"));
    const size = [manifest.config, ...manifest.layers].reduce((n: number, d: Descriptor) => n + d.size, 0);
    return { layout, digest: desc.digest, size };
}

// --- Registry ---

/** HEAD of a manifest in a plain-HTTP registry: its digest, or undefined when the tag is not there. */
async function registryDigest(registry: string, ref: string): Promise<string | undefined> {
    const { repository, tag } = splitRef(ref);
    const res = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
        method: "HEAD",
        headers: { Accept: [MEDIA.manifest, MEDIA.index, "application/vnd.docker.distribution.manifest.v2+json"].join(", ") },
    });
    if (res.status === 404) {
        return undefined;
    }
    if (!res.ok) {
        throw new Error(`registry ${registry} answered ${res.status} for ${ref}`);
    }
    return res.headers.get("docker-content-digest") ?? undefined;
}

async function checkRegistry(registry: string): Promise<void> {
    try {
        const res = await fetch(`http://${registry}/v2/`);
        if (res.status !== 200) {
            throw new Error(`/v2/ answered ${res.status}`);
        }
    } catch (err) {
        throw new Error(`the image registry at http://${registry} is not answering (${(err as Error).message}): start it before pushing images`);
    }
}

/** Folder the host registry keeps its images in: in the cache, so pushed images outlive a cluster. */
export const HOST_REGISTRY_ROOT = path.join(CACHE, "registry");

/** Options of `renderHostRegistryConfig`. */
export interface HostRegistryOptions {
    /** `host:port` the registry listens on (plain HTTP). */
    addr: string;
    /** Folder of its filesystem storage. */
    rootDirectory: string;
}

/**
 * config.yml of the host registry (distribution v3): filesystem storage, plain HTTP on `addr`, no
 * delete (images are replaced by pushing a tag again). Plain HTTP is for the nodes on this machine
 * only; the nodes' containerd is told the mirror is plain HTTP.
 */
export function renderHostRegistryConfig(opts: HostRegistryOptions): string {
    if (!/^[^\s:/]+:\d{1,5}$/.test(opts.addr)) {
        throw new Error(`registry addr "${opts.addr}" must be host:port`);
    }
    if (!path.isAbsolute(opts.rootDirectory)) {
        throw new Error(`registry rootDirectory "${opts.rootDirectory}" must be an absolute path`);
    }
    return YAML.stringify({
        version: "0.1",
        log: { level: "info", formatter: "text", fields: { service: "registry" } },
        storage: {
            filesystem: { rootdirectory: opts.rootDirectory },
            // Unfinished uploads are removed after a week.
            maintenance: { uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false } },
        },
        http: { addr: opts.addr, headers: { "X-Content-Type-Options": ["nosniff"] } },
        health: { storagedriver: { enabled: true, interval: "10s", threshold: 3 } },
    });
}

// --- Building and pushing ---

/** Host packages the builds need: a C toolchain for flanneld's cgo part, setcap for CoreDNS. */
export const IMAGE_HOST_APT_PACKAGES = ["gcc", "libc6-dev", "libcap2-bin"];

/** Builds a tool only when its binary is missing, so a warm run prints nothing for it. */
async function toolBinary(tool: GoTool, tag: string): Promise<string> {
    const bin = cachedBinary(tool);
    return fs.existsSync(bin) ? bin : ensureGoTool(tool, tag);
}

function fileSha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * Builds one image into the cache unless its layout for these inputs is there (the package lists must
 * be present: ensureLocalImages fetches them); `builtIn` is set when it was built now.
 */
export async function buildLocalImage(image: LocalImage, tag = "images"): Promise<BuiltImage & { builtIn?: number }> {
    const binaries = new Map<string, string>();
    const ids: ImageKeyInputs["binaries"] = {};
    for (const e of image.entries) {
        if (e.kind === "binary") {
            const bin = await toolBinary(e.tool, tag);
            binaries.set(e.tool.id, bin);
            ids[e.tool.id] = { version: e.tool.version, cachedAs: path.relative(CACHE, bin), sha256: fileSha256(bin) };
        }
    }
    const debs = resolveImageDebs(image);
    const problem = checkTagVersion(image, debs);
    if (problem) {
        throw new Error(problem);
    }
    const key = imageCacheKey({ image, binaries: ids, debs });
    const layout = path.join(imageCacheDir(image.ref), key);
    const cached = readBuilt(layout);
    if (cached) {
        return cached;
    }
    const start = Date.now();
    say(tag, `${image.ref}: building (key ${key})`);
    const debFiles = await fetchDebs(debs, tag);
    const work = `${layout}.tmp-${process.pid}`;
    fs.rmSync(work, { recursive: true, force: true });
    try {
        assembleRoot(image, path.join(work, "root"), debFiles, binaries);
        await writeLayout(image, path.join(work, "root"), path.join(work, "layout"));
        // Rename last so an interrupted build never leaves a half-written layout in the cache.
        renameUnlessDone(path.join(work, "layout"), layout);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    return { ...(readBuilt(layout) as BuiltImage), builtIn: Date.now() - start };
}

/**
 * Builds every local image missing from the cache and pushes each to the plain-HTTP registry at
 * `registry` (`host:port`) as `${registry}/${ref}`, unless the registry already holds that digest.
 * Prints one line per image.
 */
export async function ensureLocalImages(registry: string, tag = "images"): Promise<void> {
    await ensureDebPackages(IMAGE_HOST_APT_PACKAGES, tag);
    await checkRegistry(registry);
    await ensureAptLists(tag);
    const crane = await toolBinary(craneTool(), tag);
    for (const image of localImages()) {
        const built = await buildLocalImage(image, tag);
        const target = registryRef(registry, image.ref);
        const mb = `${(built.size / 1e6).toFixed(1)} MB`;
        const what = built.builtIn === undefined ? "cached" : `built in ${elapsed(built.builtIn)}`;
        if ((await registryDigest(registry, image.ref)) === built.digest) {
            say(tag, `${image.ref}: ${what} (${mb}, ${built.digest.slice(0, 19)}), already in ${registry}`);
            continue;
        }
        await runLogged(crane, ["push", "--insecure", built.layout, target], { logFile: "images.log", tag, label: `crane push ${image.ref}` });
        const pushed = await registryDigest(registry, image.ref);
        if (pushed !== built.digest) {
            throw new Error(`pushed ${target} but the registry reports ${pushed ?? "no manifest"}, not ${built.digest}`);
        }
        say(tag, `${image.ref}: ${what} (${mb}, ${built.digest.slice(0, 19)}), pushed to ${target}`);
    }
}
