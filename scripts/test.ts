/**
 * `npm test`: the whole test run, as CI runs it.
 *  1. the toolchain (built from Go modules when missing — never skipped),
 *  2. type checking (the program runs under tsx, which does not type-check),
 *  3. every test file under test/ with node's test runner: unit tests under Pulumi mocks, and
 *     end-to-end tests that drive the real Pulumi CLI (check-config, render of every environment,
 *     policy previews, and the local control plane lifecycle).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { ensureToolchain } from "./lib/setup";
import { ensureLocalClusterTools } from "./lib/local-cluster";
import { ROOT } from "./lib/paths";
import { elapsed, say } from "./lib/log";

/** Test files under a folder, recursively, in a stable order (fixtures excluded). */
export function testFiles(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            if (e.name !== "fixtures" && e.name !== "node_modules") {
                out.push(...testFiles(p));
            }
        } else if (e.name.endsWith(".test.ts")) {
            out.push(p);
        }
    }
    return out.sort();
}

async function main(): Promise<number> {
    const start = Date.now();
    await ensureToolchain();
    // The end-to-end tests need the local cluster's binaries: build them here, with progress, not
    // inside a test's before() hook.
    await ensureLocalClusterTools();

    say("test", "typecheck (tsc --noEmit)");
    const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json", "--noEmit"], { cwd: ROOT, stdio: "inherit" });
    if (tsc.status !== 0) {
        console.error("[test] typecheck failed");
        return 1;
    }
    const policyTsconfig = path.join(ROOT, "policies", "tsconfig.json");
    if (fs.existsSync(policyTsconfig)) {
        say("test", "typecheck policy pack");
        const p = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", policyTsconfig, "--noEmit"], { cwd: ROOT, stdio: "inherit" });
        if (p.status !== 0) {
            console.error("[test] policy pack typecheck failed");
            return 1;
        }
    }

    const files = testFiles(path.join(ROOT, "test")).map((f) => path.relative(ROOT, f));
    const only = process.argv.slice(2);
    const selected = only.length > 0 ? files.filter((f) => only.some((o) => f.includes(o))) : files;
    say("test", `node --test: ${selected.length} files`);
    const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...selected], {
        cwd: ROOT,
        stdio: "inherit",
        env: { ...process.env, CONTAINERCLOUD_TEST: "1" },
    });
    say("test", `finished in ${elapsed(Date.now() - start)}`);
    return run.status ?? 1;
}

main()
    .then((code) => process.exit(code))
    .catch((err: Error) => {
        console.error(`[test] ${err.message}`);
        process.exit(1);
    });
