/** The setup routine, shared by `npm run setup`, `npm start`, `npm test` and the benchmarks. */
import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { BIN, LOGS, PULUMI_HOME, ROOT } from "./paths";
import { elapsed, say } from "./log";
import { ensureGoTool, pulumiTools, toolchainVersions } from "./tools";
import { pulumiEnv } from "./pulumi";

function link(target: string, name: string): void {
    const p = path.join(BIN, name);
    try {
        if (fs.readlinkSync(p) === target) {
            return;
        }
        fs.unlinkSync(p);
    } catch {
        // not there yet
    }
    fs.symlinkSync(target, p);
}

function copyIfChanged(src: string, dest: string): void {
    const s = fs.statSync(src);
    const d = fs.existsSync(dest) ? fs.lstatSync(dest) : undefined;
    if (d && d.isFile() && d.size === s.size && d.mtimeMs >= s.mtimeMs) {
        return;
    }
    if (d) {
        fs.unlinkSync(dest);
    }
    fs.copyFileSync(src, dest);
    fs.chmodSync(dest, 0o755);
}

/** The version an installed `pulumi` on PATH reports, or undefined. */
function pulumiOnPath(): { path: string; version: string } | undefined {
    const r = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
    const p = r.stdout.trim();
    if (r.status !== 0 || !p || p.startsWith(BIN)) {
        return undefined;
    }
    const v = spawnSync(p, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
    return v.status === 0 ? { path: p, version: v.stdout.trim() } : undefined;
}

function ensureNpm(dir: string, label: string): void {
    if (fs.existsSync(path.join(dir, "node_modules", ".package-lock.json"))) {
        const lock = fs.statSync(path.join(dir, "package-lock.json")).mtimeMs;
        const installed = fs.statSync(path.join(dir, "node_modules", ".package-lock.json")).mtimeMs;
        if (installed >= lock) {
            say("setup", `${label}: npm dependencies installed`);
            return;
        }
    }
    say("setup", `${label}: npm ci`);
    const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
    if (r.status !== 0) {
        throw new Error(`npm ci in ${dir} failed`);
    }
}

function pluginInstalled(name: string, version: string): boolean {
    return fs.existsSync(path.join(PULUMI_HOME, "plugins", `resource-${name}-v${version}`));
}

/** Installs npm deps, builds or finds the tools, links them into .state/bin and installs plugins. */
export async function ensureToolchain(): Promise<void> {
    const start = Date.now();
    fs.mkdirSync(BIN, { recursive: true });
    fs.mkdirSync(LOGS, { recursive: true });
    ensureNpm(ROOT, "project");
    if (fs.existsSync(path.join(ROOT, "policies", "package-lock.json"))) {
        ensureNpm(path.join(ROOT, "policies"), "policy pack");
    }

    const versions = toolchainVersions();
    let kubernetesBinary = "";
    const tools = pulumiTools();
    const installed = pulumiOnPath();
    for (const tool of tools) {
        if (tool.id === "pulumi" && installed && installed.version === versions.pulumi) {
            // An installed CLI brings its own bundled language hosts next to it.
            say("setup", `pulumi ${installed.version}: using ${installed.path} from PATH`);
            link(installed.path, "pulumi");
            continue;
        }
        if (tool.id === "language-nodejs" && installed && installed.version === versions.pulumi) {
            continue;
        }
        if (tool.id === "pulumi" && installed) {
            say("setup", `pulumi on PATH is ${installed.version}, the project pins ${versions.pulumi}: building the pinned one`);
        }
        const bin = await ensureGoTool(tool);
        if (tool.id === "pulumi") {
            // A copy, not a link: the CLI looks for its bundled language host next to its own
            // executable, so the built host must sit beside it in .state/bin.
            copyIfChanged(bin, path.join(BIN, "pulumi"));
        } else if (tool.id === "language-nodejs") {
            link(bin, tool.binary);
        } else {
            kubernetesBinary = bin;
        }
    }
    // Dynamic providers are served by a script that ships inside @pulumi/pulumi.
    link(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs"), "pulumi-resource-pulumi-nodejs");

    const k8s = versions.kubernetesProvider;
    if (!pluginInstalled("kubernetes", k8s.version)) {
        say("setup", `installing plugin kubernetes ${k8s.version} into ${path.relative(ROOT, PULUMI_HOME)}`);
        execFileSync(path.join(BIN, "pulumi"), ["plugin", "install", "resource", "kubernetes", k8s.version, "--file", kubernetesBinary], {
            env: pulumiEnv(undefined),
            stdio: "inherit",
        });
    }
    say("setup", `toolchain ready in ${elapsed(Date.now() - start)}: ${path.relative(process.cwd(), BIN) || BIN}`);
}
