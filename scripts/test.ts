/**
 * `npm test`: the whole test run, as CI runs it.
 *  1. the toolchain (built from Go modules when missing — never skipped),
 *  2. type checking (the program runs under tsx, which does not type-check),
 *  3. every test file under test/ with node's test runner: unit tests under Pulumi mocks, and
 *     end-to-end tests that drive the real Pulumi CLI (check-config, render of every environment,
 *     policy previews, and the local control plane lifecycle).
 *
 * The two files that start a cluster of their own (the real nodes, and the life cycle on kwok) run
 * each in a lane of its own beside a lane of every other file: they mostly wait on their cluster
 * (pods starting, pulls, probes, rollouts), so the other lanes use the time. Each lane prints its
 * lines with its name in front. Every environment is rendered once per run, for the files that
 * check the render (test/helpers/rendered.ts), into a folder removed at the end.
 */
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import * as readline from "readline";
import { spawn, spawnSync } from "child_process";
import { ensureToolchain } from "./lib/setup";
import { ensureLocalClusterTools } from "./lib/local-cluster";
import { ROOT } from "./lib/paths";
import { elapsed, say } from "./lib/log";
import { RENDER_DIR_ENV } from "../test/helpers/rendered";

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

/** Test files run by one `node --test` (node orders them itself). */
interface TestLane {
    name: string;
    files: string[];
}

/** The files that start a cluster of their own: a lane each. */
const CLUSTER_LANES: TestLane[] = [
    { name: "nodes", files: ["test/e2e/real-nodes.test.ts"] },
    { name: "kwok", files: ["test/e2e/lifecycle.test.ts"] },
];

/** Splits the selected files into the clusters' lanes and the rest (a lane with no files is left out). */
function testLanes(files: string[]): TestLane[] {
    const posix = (f: string) => f.split(path.sep).join("/");
    const clustered = new Set(CLUSTER_LANES.flatMap((l) => l.files));
    const lanes = [
        ...CLUSTER_LANES.map((l) => ({ name: l.name, files: l.files.filter((f) => files.some((s) => posix(s) === f)) })),
        { name: "rest", files: files.filter((f) => !clustered.has(posix(f))) },
    ];
    return lanes.filter((l) => l.files.length > 0);
}

/** Runs one lane; with `prefix`, each line it prints starts with the lane's name. */
function runLane({ name: lane, files }: TestLane, env: NodeJS.ProcessEnv, prefix: boolean): Promise<number> {
    const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
        cwd: ROOT,
        env,
        stdio: prefix ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    if (prefix) {
        for (const [from, to] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
            readline.createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => to.write(`[${lane}] ${line}\n`));
        }
    }
    return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
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
    const lanes = testLanes(selected);
    say("test", `node --test: ${selected.length} files in ${lanes.length} lane(s): ${lanes.map((l) => `${l.name} (${l.files.length})`).join(", ")}`);
    const renderDir = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-test-render-"));
    const env = { ...process.env, CONTAINERCLOUD_TEST: "1", [RENDER_DIR_ENV]: renderDir };
    let codes: number[];
    try {
        codes = await Promise.all(lanes.map((l) => runLane(l, env, lanes.length > 1)));
    } finally {
        fs.rmSync(renderDir, { recursive: true, force: true });
    }
    lanes.forEach((l, i) => say("test", `lane ${l.name}: ${codes[i] === 0 ? "passed" : `FAILED (exit ${codes[i]})`}`));
    say("test", `finished in ${elapsed(Date.now() - start)}`);
    return codes.every((c) => c === 0) ? 0 : 1;
}

main()
    .then((code) => process.exit(code))
    .catch((err: Error) => {
        console.error(`[test] ${err.message}`);
        process.exit(1);
    });
