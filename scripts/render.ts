/**
 * `npm run render -- --env ENV --out DIR`: a real `pulumi up` of a throwaway stack that carries
 * ENV's stack config with a render-only cluster target, so every manifest of that environment lands
 * in DIR as plain YAML (for review and for GitOps tools). The throwaway stack lives in a temporary
 * backend and is removed afterwards. Secret values are written in plain text: keep DIR out of git.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ensureToolchain } from "./lib/setup";
import { ROOT } from "./lib/paths";
import { elapsed, say } from "./lib/log";
import { pulumiInherit, pulumiSync } from "./lib/pulumi";

/** Options of `renderEnvironment`. */
export interface RenderOptions {
    /** Environment whose stack file (stacks/Pulumi.<env>.yaml) is rendered. */
    env: string;
    /** Output folder. */
    out: string;
    /** Print Pulumi's progress. @default true */
    verbose?: boolean;
}

/** Lists the YAML files under a folder, recursively. */
export function yamlFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            out.push(...yamlFiles(p));
        } else if (e.name.endsWith(".yaml")) {
            out.push(p);
        }
    }
    return out.sort();
}

/** A throwaway stack carrying an environment's config, in a temporary backend. */
export interface ThrowawayStack {
    /** Stack name (`render-<env>-<pid>`). */
    stack: string;
    /** Environment for Pulumi runs against it (temporary backend, throwaway passphrase). */
    env: NodeJS.ProcessEnv;
}

/**
 * Creates a throwaway stack with ENV's stack config and a render-only cluster target writing to
 * `out` (and `extraConfig`'s keys over the file's), runs `fn` with it, and removes the stack, its
 * file and its backend afterwards.
 */
export async function withThrowawayStack<T>(envName: string, out: string, fn: (s: ThrowawayStack) => Promise<T>, extraConfig: Record<string, unknown> = {}): Promise<T> {
    const source = path.join(ROOT, "stacks", `Pulumi.${envName}.yaml`);
    if (!fs.existsSync(source)) {
        throw new Error(`no stack file for environment "${envName}": expected ${path.relative(ROOT, source)}`);
    }
    const doc = parse(fs.readFileSync(source, "utf8")) as { config?: Record<string, unknown> };
    const config = { ...(doc.config ?? {}) };
    for (const [k, v] of Object.entries(config)) {
        if (v !== null && typeof v === "object" && "secure" in (v as object)) {
            throw new Error(`${path.relative(ROOT, source)} holds an encrypted value at ${k}: render cannot decrypt another stack's secrets; render from a stack file without secure values`);
        }
    }
    config["containercloud:cluster"] = { mode: "render", renderDir: path.resolve(out) };
    Object.assign(config, extraConfig);
    const stack = `render-${envName}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const stackFile = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-render-"));
    const env = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${backend}`,
        // A throwaway stack: a fresh random passphrase that is never stored.
        PULUMI_CONFIG_PASSPHRASE: `render-${Math.random().toString(36).slice(2)}-${Date.now()}`,
    };
    try {
        const init = pulumiSync(["stack", "init", stack, "--secrets-provider", "passphrase"], { stack, env });
        if (init.code !== 0) {
            throw new Error(`could not create the throwaway stack: ${init.stderr || init.stdout}`);
        }
        // Keep the encryption salt `stack init` wrote, and add the environment's config.
        const initDoc = fs.existsSync(stackFile) ? (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) : {};
        fs.writeFileSync(stackFile, stringify({ ...initDoc, config }));
        const result = await fn({ stack, env });
        pulumiSync(["stack", "rm", "--yes", "--force", "-s", stack], { stack, env });
        return result;
    } finally {
        fs.rmSync(stackFile, { force: true });
        fs.rmSync(backend, { recursive: true, force: true });
    }
}

/** Renders one environment; returns the manifest files written. */
export async function renderEnvironment(opts: RenderOptions): Promise<string[]> {
    const out = path.resolve(opts.out);
    // Only the provider's own folders are cleared, so a stale manifest never survives a render.
    for (const sub of ["0-crd", "1-manifest"]) {
        fs.rmSync(path.join(out, sub), { recursive: true, force: true });
    }
    fs.mkdirSync(out, { recursive: true });
    await withThrowawayStack(opts.env, out, async ({ stack, env }) => {
        const args = ["up", "--yes", "--skip-preview", "--non-interactive", "-s", stack];
        if (opts.verbose === false) {
            const r = pulumiSync(args, { stack, env });
            if (r.code !== 0) {
                throw new Error(`pulumi up of ${opts.env} (render-only) failed:\n${r.stdout}\n${r.stderr}`);
            }
        } else {
            const code = await pulumiInherit(args, { stack, env });
            if (code !== 0) {
                throw new Error(`pulumi up of ${opts.env} (render-only) failed (exit ${code})`);
            }
        }
    });
    return yamlFiles(out);
}

function parseArgs(argv: string[]): { env: string; out: string } {
    let env = "";
    let out = "";
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--env") {
            env = argv[++i] ?? "";
        } else if (argv[i] === "--out") {
            out = argv[++i] ?? "";
        } else if (argv[i].startsWith("--env=")) {
            env = argv[i].slice(6);
        } else if (argv[i].startsWith("--out=")) {
            out = argv[i].slice(6);
        } else {
            throw new Error(`unknown argument ${argv[i]}`);
        }
    }
    if (!env) {
        throw new Error("usage: npm run render -- --env local|dev|staging|prod [--out DIR]");
    }
    return { env, out: out || path.join("out", "render", env) };
}

if (require.main === module) {
    (async () => {
        const start = Date.now();
        const { env, out } = parseArgs(process.argv.slice(2));
        await ensureToolchain();
        const files = await renderEnvironment({ env, out });
        say("render", `${env}: ${files.length} manifests in ${out} (${elapsed(Date.now() - start)}); Secret data there is plain text: keep it out of git`);
    })().catch((err: Error) => {
        console.error(`[render] ${err.message}`);
        process.exit(1);
    });
}
