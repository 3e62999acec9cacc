/** The command line of `npm run gitops`, parsed by a pure function. */

/** The three GitOps commands. */
export type GitopsCommand = "preview" | "apply" | "drift";

/** Parsed options of `npm run gitops`. */
export interface GitopsOptions {
    command: GitopsCommand;
    /** Environment: picks policies/config/<env>.json and the output folder. */
    env: string;
    /** Stack to operate on. @default the environment name */
    stack: string;
    /** Backend URL (sets PULUMI_BACKEND_URL). @default the project's file backend, or $PULUMI_BACKEND_URL */
    backend?: string;
    /** Folder for the reports. @default gitops/out/<env> */
    out?: string;
    /** Let stateful replaces and deletes through. @default false, or true when GITOPS_ALLOW_STATEFUL_REPLACE=true */
    allowReplace: boolean;
    /** Refresh before `preview` (apply always refreshes). @default false */
    refresh: boolean;
    /** Run the policy pack. @default true */
    policies: boolean;
}

/** Thrown for a wrong command line; the message is the usage line's complaint. */
export class UsageError extends Error {}

/** The usage text. */
export const USAGE = [
    "usage: npm run gitops -- preview|apply|drift --env ENV [options]",
    "  --stack NAME        stack to use (default: ENV)",
    "  --backend URL       Pulumi backend (default: $PULUMI_BACKEND_URL or file://.state/backend)",
    "  --out DIR           where the reports go (default: gitops/out/ENV)",
    "  --allow-replace     allow replacing/deleting stateful resources (or GITOPS_ALLOW_STATEFUL_REPLACE=true)",
    "  --refresh           preview: refresh from the cluster first (apply always does)",
    "  --no-policies       skip the policy pack",
].join("\n");

const COMMANDS: GitopsCommand[] = ["preview", "apply", "drift"];
const NAME = /^[A-Za-z0-9_.-]+$/;

/** Parses argv (without node and the script); `env` supplies GITOPS_ALLOW_STATEFUL_REPLACE. */
export function parseGitopsArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): GitopsOptions {
    let command: GitopsCommand | undefined;
    const values: Record<string, string> = {};
    let allowReplace = env.GITOPS_ALLOW_STATEFUL_REPLACE === "true";
    let refresh = false;
    let policies = true;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const eq = /^--(env|stack|backend|out)=(.*)$/.exec(a);
        if (eq) {
            values[eq[1]] = eq[2];
        } else if (/^--(env|stack|backend|out)$/.test(a)) {
            const v = argv[i + 1];
            if (v === undefined || v.startsWith("--")) {
                throw new UsageError(`${a} needs a value`);
            }
            values[a.slice(2)] = v;
            i++;
        } else if (a === "--allow-replace") {
            allowReplace = true;
        } else if (a === "--refresh") {
            refresh = true;
        } else if (a === "--no-policies") {
            policies = false;
        } else if (!a.startsWith("-") && command === undefined) {
            if (!(COMMANDS as string[]).includes(a)) {
                throw new UsageError(`unknown command "${a}": use preview, apply or drift`);
            }
            command = a as GitopsCommand;
        } else {
            throw new UsageError(`unknown argument "${a}"`);
        }
    }
    if (!command) {
        throw new UsageError("missing command: preview, apply or drift");
    }
    if (!values.env) {
        throw new UsageError("missing --env ENV");
    }
    for (const k of ["env", "stack"]) {
        if (values[k] !== undefined && !NAME.test(values[k])) {
            throw new UsageError(`--${k} must be a plain name (letters, digits, "-", "_", "."), got "${values[k]}"`);
        }
    }
    return {
        command,
        env: values.env,
        stack: values.stack ?? values.env,
        ...(values.backend !== undefined ? { backend: values.backend } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        allowReplace,
        refresh,
        policies,
    };
}
