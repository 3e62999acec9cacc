/** Helpers for end-to-end tests that run the project's commands as a user would. */
import * as path from "path";
import { spawnSync } from "child_process";

/** The project root. */
export const ROOT = path.resolve(__dirname, "..", "..");

/** Result of running a project script. */
export interface ScriptResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs `scripts/<name>.ts` with tsx, as `npm run <name>` does, capturing its output. */
export function runScript(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): ScriptResult {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", `${name}.ts`), ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** True when text looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
    return /^\s+at .+[(:]\d+/m.test(text) || /\n\s+at [\w.<>]+ \(/.test(text);
}
