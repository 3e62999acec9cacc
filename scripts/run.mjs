// Runs a TypeScript script of this project with tsx, installing npm dependencies first on a fresh
// clone (tsx itself is one of them). Plain JavaScript on purpose: it must run before `npm ci`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "node_modules", "tsx")) || !existsSync(join(root, "node_modules", "@pulumi", "pulumi"))) {
    console.log("[setup] installing npm dependencies (npm ci)...");
    const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) {
        console.error("npm ci failed: see the output above");
        process.exit(r.status ?? 1);
    }
}
const [script, ...args] = process.argv.slice(2);
const r = spawnSync(process.execPath, ["--import", "tsx", join(root, script), ...args], { cwd: process.cwd(), stdio: "inherit" });
process.exit(r.status ?? 1);
