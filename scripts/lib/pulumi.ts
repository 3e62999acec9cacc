/**
 * Running the real Pulumi CLI with the project's defaults: a local file backend under .state/,
 * PULUMI_HOME under .state/, no plugin downloads or update checks, and the passphrase secrets
 * provider with a documented default passphrase for `local` and `dev` only.
 */
import * as fs from "fs";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { BACKEND_DIR, BIN, PULUMI_HOME, ROOT } from "./paths";

/** Passphrase for the `local` and `dev` stacks (documented in the README; not a secret). */
export const DEFAULT_PASSPHRASE = "containercloud-local-dev";

/** Stacks that may use the default passphrase. */
const DEFAULT_PASSPHRASE_ENVS = ["local", "dev"];

/** Reads the `environment` a stack file declares (or undefined). */
export function stackEnvironment(stack: string): string | undefined {
    const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const m = /^\s*containercloud:environment:\s*["']?([a-z]+)["']?\s*$/m.exec(fs.readFileSync(file, "utf8"));
    return m?.[1];
}

/** The stack a CLI invocation targets: `-s X`, `--stack X`, `--stack=X`, or the selected one. */
export function targetStack(args: string[]): string | undefined {
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if ((a === "-s" || a === "--stack") && i + 1 < args.length) {
            return args[i + 1];
        }
        if (a.startsWith("--stack=")) {
            return a.slice("--stack=".length);
        }
    }
    const current = path.join(PULUMI_HOME, "workspaces");
    if (fs.existsSync(current)) {
        for (const f of fs.readdirSync(current).filter((n) => n.startsWith("containercloud-"))) {
            const ws = JSON.parse(fs.readFileSync(path.join(current, f), "utf8")) as { stack?: string };
            if (ws.stack) {
                return ws.stack.split("/").pop();
            }
        }
    }
    return undefined;
}

/** Thrown when a staging/prod stack would run without a passphrase the user chose. */
export class PassphraseRequiredError extends Error {}

/**
 * The environment for a Pulumi run against `stack`. `local`/`dev` stacks get the default passphrase
 * unless the user set one; any other stack refuses to run without PULUMI_CONFIG_PASSPHRASE,
 * PULUMI_CONFIG_PASSPHRASE_FILE or a secrets provider of its own in the stack file.
 */
export function pulumiEnv(stack: string | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
        ...base,
        PULUMI_HOME: base.PULUMI_HOME ?? PULUMI_HOME,
        PULUMI_BACKEND_URL: base.PULUMI_BACKEND_URL ?? `file://${BACKEND_DIR}`,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
    fs.mkdirSync(BACKEND_DIR, { recursive: true });
    const hasPassphrase = base.PULUMI_CONFIG_PASSPHRASE !== undefined || base.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined;
    if (hasPassphrase || stack === undefined) {
        return env;
    }
    const envName = stackEnvironment(stack) ?? stack;
    if (DEFAULT_PASSPHRASE_ENVS.includes(envName) || stack.startsWith("render-")) {
        env.PULUMI_CONFIG_PASSPHRASE = DEFAULT_PASSPHRASE;
        return env;
    }
    const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (/^secretsprovider:\s*(?!passphrase)/m.test(text)) {
        return env;
    }
    throw new PassphraseRequiredError(
        `stack "${stack}" (environment ${envName}) needs its own passphrase: set PULUMI_CONFIG_PASSPHRASE ` +
            `(or PULUMI_CONFIG_PASSPHRASE_FILE), or configure another secrets provider with ` +
            `\`npm run pulumi -- stack change-secrets-provider <provider> -s ${stack}\`. ` +
            `Only local and dev fall back to the documented default passphrase.`,
    );
}

/** Path of the Pulumi CLI the project uses (linked into .state/bin by setup). */
export function pulumiBinary(): string {
    const p = path.join(BIN, "pulumi");
    if (!fs.existsSync(p)) {
        throw new Error("the Pulumi CLI is not set up yet: run `npm run setup` first");
    }
    return p;
}

/** Result of a captured Pulumi run. */
export interface PulumiResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the CLI synchronously and captures its output. */
export function pulumiSync(args: string[], opts: { stack?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): PulumiResult {
    const env = pulumiEnv(opts.stack ?? targetStack(args), opts.env ?? process.env);
    const r = spawnSync(pulumiBinary(), args, { cwd: opts.cwd ?? ROOT, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Runs the CLI with inherited stdio (for interactive use and progress); resolves to the exit code. */
export function pulumiInherit(args: string[], opts: { stack?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<number> {
    const env = pulumiEnv(opts.stack ?? targetStack(args), opts.env ?? process.env);
    return new Promise((resolve) => {
        const child = spawn(pulumiBinary(), args, { cwd: opts.cwd ?? ROOT, env, stdio: "inherit" });
        child.on("exit", (code) => resolve(code ?? 1));
    });
}

/** Selects a stack, creating it (passphrase secrets provider) if the backend does not have it. */
export function selectOrCreateStack(stack: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): void {
    const sel = pulumiSync(["stack", "select", stack], { stack, ...opts });
    if (sel.code === 0) {
        return;
    }
    const init = pulumiSync(["stack", "init", stack, "--secrets-provider", "passphrase"], { stack, ...opts });
    if (init.code !== 0) {
        throw new Error(`could not create stack ${stack}:\n${init.stderr || init.stdout}`);
    }
}
