/**
 * Long-running processes the local cluster starts (etcd, the API server, containerd, kubelets...):
 * each runs detached in a process group of its own with its output in a log file, and its PID is
 * kept in a pid file, so `down` ends exactly the processes `up` started, by PID.
 */
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";

/** Where a cluster keeps its pid files and logs. */
export interface DaemonDirs {
    /** Folder of `<name>.pid` files. */
    pids: string;
    /** Folder of `<name>.log` files. */
    logs: string;
}

/** Options of `startDaemon`. */
export interface StartOptions {
    /** Extra environment. @default none */
    env?: NodeJS.ProcessEnv;
    /** Working folder. @default the current one */
    cwd?: string;
}

/** True when a process with this PID exists (and is not a zombie). */
export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
}

/** The PID in `<name>.pid`, if that process still runs. */
export function runningPid(dirs: DaemonDirs, name: string): number | undefined {
    const file = path.join(dirs.pids, `${name}.pid`);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/** Starts `cmd args` detached, output appended to `<name>.log`; returns its PID. */
export function startDaemon(dirs: DaemonDirs, name: string, cmd: string, args: string[], opts: StartOptions = {}): number {
    fs.mkdirSync(dirs.pids, { recursive: true });
    fs.mkdirSync(dirs.logs, { recursive: true });
    const log = fs.openSync(path.join(dirs.logs, `${name}.log`), "a");
    fs.writeSync(log, `\n--- ${new Date().toISOString()} $ ${cmd} ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    if (child.pid === undefined) {
        throw new Error(`could not start ${name} (${cmd})`);
    }
    child.unref();
    fs.writeFileSync(path.join(dirs.pids, `${name}.pid`), `${child.pid}\n`);
    return child.pid;
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL; resolves once the process is gone. */
export async function stopPid(pid: number, graceMs = 15000): Promise<void> {
    if (!alive(pid)) {
        return;
    }
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) {
        await sleep(100);
    }
    if (alive(pid)) {
        process.kill(pid, "SIGKILL");
        while (alive(pid)) {
            await sleep(50);
        }
    }
}

/** Stops the daemon `name` if it runs and removes its pid file. */
export async function stopDaemon(dirs: DaemonDirs, name: string, graceMs?: number): Promise<boolean> {
    const pid = runningPid(dirs, name);
    if (pid !== undefined) {
        await stopPid(pid, graceMs);
    }
    fs.rmSync(path.join(dirs.pids, `${name}.pid`), { force: true });
    return pid !== undefined;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every `everyMs` until it returns true; rejects with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check()) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
        }
        await sleep(everyMs);
    }
}
