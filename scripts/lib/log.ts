/** Progress output for long work: a step line, a heartbeat while it runs, and a log file. */
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { LOGS } from "./paths";

/** Formats milliseconds as `1m05s` / `12.3s`. */
export function elapsed(ms: number): string {
    const s = ms / 1000;
    if (s < 60) {
        return `${s.toFixed(1)}s`;
    }
    const m = Math.floor(s / 60);
    return `${m}m${String(Math.round(s - m * 60)).padStart(2, "0")}s`;
}

/** Prints a tagged progress line. */
export function say(tag: string, msg: string): void {
    console.log(`[${tag}] ${msg}`);
}

/** Options of `runLogged`. */
export interface RunLoggedOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Log file name under .state/logs. */
    logFile: string;
    /** Tag and label for progress lines. */
    tag: string;
    label: string;
    /** Heartbeat interval. @default 30000 */
    heartbeatMs?: number;
}

/**
 * Runs a command with its output appended to a log file, printing a heartbeat while it runs.
 * Rejects with the log's last lines when the command fails.
 */
export function runLogged(cmd: string, args: string[], opts: RunLoggedOptions): Promise<void> {
    fs.mkdirSync(LOGS, { recursive: true });
    const logPath = path.join(LOGS, opts.logFile);
    const out = fs.openSync(logPath, "a");
    fs.writeSync(out, `\n$ ${cmd} ${args.join(" ")}\n`);
    const start = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", out, out] });
        const timer = setInterval(
            () => say(opts.tag, `${opts.label}: still running (${elapsed(Date.now() - start)}; log: ${path.relative(process.cwd(), logPath)})`),
            opts.heartbeatMs ?? 30000,
        );
        child.on("error", (err) => {
            clearInterval(timer);
            fs.closeSync(out);
            reject(new Error(`${opts.label}: could not start ${cmd}: ${err.message}`));
        });
        child.on("exit", (code) => {
            clearInterval(timer);
            fs.closeSync(out);
            if (code === 0) {
                resolve();
                return;
            }
            const tail = fs.readFileSync(logPath, "utf8").split("\n").slice(-25).join("\n");
            reject(new Error(`${opts.label} failed (exit ${code}); last lines of ${logPath}:\n${tail}`));
        });
    });
}
