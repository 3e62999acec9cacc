/**
 * Measuring real Pulumi CLI runs: wall time, the largest single process's peak RSS (GNU
 * `/usr/bin/time -v`, when installed) and the peak RSS of the whole process tree (CLI, language
 * host, Node program, provider plugins), sampled from /proc.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { parse, stringify } from "yaml";
import { ROOT } from "./paths";
import { processTable } from "./procfs";
import { pulumiBinary, pulumiEnv, pulumiSync } from "./pulumi";

/** One measured command. */
export interface CommandMeasure {
    code: number;
    wallMs: number;
    /** Peak RSS of the largest process in the tree (GNU time's "Maximum resident set size"); undefined without GNU time. */
    maxRssLargestBytes?: number;
    /** Peak of the summed RSS of the process tree, sampled every `sampleMs`. */
    peakTreeRssBytes: number;
    stdout: string;
    stderr: string;
}

/** Whether GNU time is installed at /usr/bin/time. */
export function gnuTimeAvailable(): boolean {
    try {
        fs.accessSync("/usr/bin/time", fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/** Parses GNU `time -v` output: max RSS in bytes (it reports kbytes). */
export function parseGnuTimeMaxRss(text: string): number | undefined {
    const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(text);
    return m ? parseInt(m[1], 10) * 1024 : undefined;
}

/** Parent of every process. */
function processParents(): Map<number, number> {
    return new Map([...processTable()].map(([pid, p]) => [pid, p.ppid]));
}

/** The pids of `root` and all its descendants, given a parent map. */
export function descendants(root: number, parents: ReadonlyMap<number, number>): number[] {
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of parents) {
        const list = children.get(ppid) ?? [];
        list.push(pid);
        children.set(ppid, list);
    }
    const out: number[] = [];
    const stack = [root];
    while (stack.length > 0) {
        const p = stack.pop()!;
        out.push(p);
        stack.push(...(children.get(p) ?? []));
    }
    return out;
}

const PAGE = 4096;

/** Summed RSS of a process tree now, from /proc/<pid>/statm. */
export function treeRssBytes(root: number): number {
    let sum = 0;
    for (const pid of descendants(root, processParents())) {
        try {
            const statm = fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
            sum += parseInt(statm[1], 10) * PAGE;
        } catch {
            // ended
        }
    }
    return sum;
}

/** Runs a command under GNU time (when present) while sampling the tree's RSS. */
export function measureCommand(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; sampleMs?: number }): Promise<CommandMeasure> {
    const useTime = gnuTimeAvailable();
    const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Date.now()}.txt`);
    const [c, a] = useTime ? ["/usr/bin/time", ["-v", "-o", timeFile, cmd, ...args]] : [cmd, args];
    const start = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        const child = spawn(c, a, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        let peak = 0;
        const timer = setInterval(() => {
            if (child.pid !== undefined && process.platform === "linux") {
                peak = Math.max(peak, treeRssBytes(child.pid));
            }
        }, opts.sampleMs ?? 100);
        child.on("error", (e) => {
            clearInterval(timer);
            reject(e);
        });
        child.on("exit", (code) => {
            clearInterval(timer);
            const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
            let maxRssLargestBytes: number | undefined;
            if (useTime && fs.existsSync(timeFile)) {
                maxRssLargestBytes = parseGnuTimeMaxRss(fs.readFileSync(timeFile, "utf8"));
                fs.rmSync(timeFile, { force: true });
            }
            resolve({ code: code ?? 1, wallMs, maxRssLargestBytes, peakTreeRssBytes: peak, stdout, stderr });
        });
    });
}

/** A throwaway stack of an environment's config with a render-only target, in a temporary backend. */
export interface ThrowawayStack {
    stack: string;
    env: NodeJS.ProcessEnv;
    renderDir: string;
    /** Removes the stack, its stack file, backend and render folder. */
    dispose(): void;
}

/**
 * Creates a throwaway stack like `npm run render` does: ENV's stack config with
 * `containercloud:cluster` = render-only into a temporary folder, a temporary file backend and a
 * random passphrase. The stack file lives in stacks/ while it exists (the CLI reads it there).
 */
export function createThrowawayStack(envName: string): ThrowawayStack {
    const source = path.join(ROOT, "stacks", `Pulumi.${envName}.yaml`);
    const doc = parse(fs.readFileSync(source, "utf8")) as { config?: Record<string, unknown> };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-bench-"));
    const backend = path.join(tmp, "backend");
    const renderDir = path.join(tmp, "render");
    fs.mkdirSync(backend);
    const config = { ...(doc.config ?? {}), "containercloud:cluster": { mode: "render", renderDir } };
    const stack = `render-bench-${envName}-${process.pid}`;
    const stackFile = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
    const env = pulumiEnv(stack, {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: `bench-${Math.random().toString(36).slice(2)}-${Date.now()}`,
    });
    const dispose = () => {
        pulumiSync(["stack", "rm", "--yes", "--force", "-s", stack], { stack, env });
        fs.rmSync(stackFile, { force: true });
        fs.rmSync(tmp, { recursive: true, force: true });
    };
    try {
        const init = pulumiSync(["stack", "init", stack, "--secrets-provider", "passphrase"], { stack, env });
        if (init.code !== 0) {
            throw new Error(`could not create the throwaway stack: ${init.stderr || init.stdout}`);
        }
        const initDoc = fs.existsSync(stackFile) ? (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) : {};
        fs.writeFileSync(stackFile, stringify({ ...initDoc, config }));
    } catch (e) {
        dispose();
        throw e;
    }
    return { stack, env, renderDir, dispose };
}

/** Runs `pulumi <args>` on a throwaway stack, measured. */
export function measurePulumi(s: ThrowawayStack, args: string[]): Promise<CommandMeasure> {
    return measureCommand(pulumiBinary(), [...args, "-s", s.stack, "--non-interactive"], { env: s.env, cwd: ROOT });
}

/** The CLI's version string, or undefined when it is not set up. */
export function pulumiVersion(): string | undefined {
    try {
        const r = pulumiSync(["version"], { stack: undefined });
        return r.code === 0 ? r.stdout.trim() : undefined;
    } catch {
        return undefined;
    }
}
