/**
 * `npm run gitops -- preview|apply|drift --env ENV`: the GitOps loop on the Pulumi Automation API.
 *
 * - preview: what a commit would change in ENV, grouped by component, with the policy pack's verdict;
 *   fails on a mandatory policy violation or on replacing/deleting a stateful resource.
 * - apply: the same checks on a refreshed preview, then `up` (with a refresh, so drift is reconciled).
 * - drift: a refresh preview (the stack's state is not changed) listing what changed or disappeared
 *   in the cluster behind Pulumi's back.
 *
 * Reports go to gitops/out/<env>/<command>.md (for pull-request comments) and .json; Pulumi's own
 * output to <command>.log beside them. Exit codes: see EXIT in scripts/lib/gitops-report.ts and
 * docs/gitops.md.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, StackNotFoundError, type Stack } from "@pulumi/pulumi/automation";
import { ensureToolchain } from "./lib/setup";
import { ROOT, STATE } from "./lib/paths";
import { elapsed, say } from "./lib/log";
import { PassphraseRequiredError, pulumiEnv } from "./lib/pulumi";
import { localUp } from "./lib/local-cluster";
import { localCidrs, localStorageClasses } from "./lib/local-stack";
import { readStackConfig } from "./lib/stack-file";
import { parsePlatformConfig } from "../stacks/config";
import { parseGitopsArgs, USAGE, UsageError, type GitopsOptions } from "./lib/gitops-args";
import {
    blockers, EventCollector, EXIT, exitCodeFor,
} from "./lib/gitops-report";
import {
    countsLine, renderApplyMarkdown, renderDriftMarkdown, renderPreviewMarkdown, type ApplySummary, type PreviewSummary, type ReportHeader,
} from "./lib/gitops-markdown";

const TAG = "gitops";

/** Policy pack arguments for an environment, and a note when the pack cannot run. */
export function policyArgs(env: string, enabled: boolean): { policyPacks?: string[]; policyPackConfigs?: string[]; note?: string } {
    const pack = path.join(ROOT, "policies");
    if (!enabled) {
        return { note: "Policies: not run (--no-policies)." };
    }
    if (!fs.existsSync(path.join(pack, "PulumiPolicy.yaml")) || !fs.existsSync(path.join(pack, "node_modules"))) {
        return { note: "Policies: not run — the policy pack (policies/ with its node_modules) is not set up; run `npm run setup`." };
    }
    const config = path.join(pack, "config", `${env}.json`);
    if (!fs.existsSync(config)) {
        return { policyPacks: [pack], note: `Policies: run with the pack's defaults — policies/config/${env}.json does not exist.` };
    }
    return { policyPacks: [pack], policyPackConfigs: [config] };
}

/**
 * The cluster mode a stack file resolves to (`render`, `kubeconfig`, `local`), profile defaults
 * included; the file's own `cluster.mode` when the config does not parse (e.g. secure values).
 */
export function clusterMode(stackFile: string): string | undefined {
    const read = readStackConfig(stackFile);
    if (!read.ok) {
        return undefined;
    }
    const parsed = parsePlatformConfig(read.raw);
    if (parsed.ok) {
        return parsed.config.cluster.mode;
    }
    return (read.raw.cluster as { mode?: string } | undefined)?.mode;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
        if (v !== undefined) {
            out[k] = v;
        }
    }
    return out;
}

/** A log file that collects Pulumi's output; the console gets a line now and then. */
function outputLog(file: string): { write: (s: string) => void; close: () => void } {
    const fd = fs.openSync(file, "w");
    return {
        write: (s: string) => fs.writeSync(fd, s),
        close: () => fs.closeSync(fd),
    };
}

function writeReport(out: string, name: string, markdown: string, json: unknown): void {
    fs.writeFileSync(path.join(out, `${name}.md`), markdown);
    fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(json, null, 2) + "\n");
}

function auditOutput(outputs: Record<string, { value: unknown } | undefined>): unknown {
    return outputs.audit?.value ?? outputs.resourceAudit?.value;
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** Opens the stack through the Automation API with the project's CLI, environment and backend. */
async function openStack(opts: GitopsOptions, create: boolean, mode: string | undefined): Promise<Stack> {
    const base: NodeJS.ProcessEnv = { ...process.env };
    if (opts.backend !== undefined) {
        base.PULUMI_BACKEND_URL = opts.backend;
    }
    if (mode === "render" && opts.command === "drift") {
        // A render-only stack has no cluster to read back: without this the kubernetes provider fails
        // every refresh ("unreachable cluster"); with it, a refresh keeps the rendered objects' state.
        // Only for drift: the flag also makes the provider skip input checks, which breaks creates.
        base.PULUMI_K8S_SKIP_UPDATE_UNREACHABLE = "true";
    }
    const envVars = stringEnv(pulumiEnv(opts.stack, base));
    const stackFile = path.join(ROOT, "stacks", `Pulumi.${opts.stack}.yaml`);
    const ownProvider = /^secretsprovider:/m.test(fs.readFileSync(stackFile, "utf8"));
    // The CLI is .state/bin/pulumi; PulumiCommand.get looks for <root>/bin/pulumi and puts that
    // folder first on PATH, which is also where setup placed the language host.
    const pulumiCommand = await PulumiCommand.get({ root: STATE, skipVersionCheck: true });
    const wsOpts = { workDir: ROOT, envVars, pulumiCommand, ...(ownProvider ? {} : { secretsProvider: "passphrase" }) };
    const args = { stackName: opts.stack, workDir: ROOT };
    return create ? LocalWorkspace.createOrSelectStack(args, wsOpts) : LocalWorkspace.selectStack(args, wsOpts);
}

interface PreviewRun {
    summary: PreviewSummary;
    /** True when Pulumi itself failed (not only a policy verdict). */
    failed: boolean;
    exitCode: number;
    stderr: string;
}

async function runPreview(stack: Stack, opts: GitopsOptions, h: ReportHeader, refresh: boolean, log: (s: string) => void): Promise<PreviewRun> {
    const pol = policyArgs(opts.env, opts.policies);
    const events = new EventCollector();
    let failed = false;
    let stderr = "";
    try {
        await stack.preview({
            diff: true,
            refresh,
            ...(pol.policyPacks ? { policyPacks: pol.policyPacks } : {}),
            ...(pol.policyPackConfigs ? { policyPackConfigs: pol.policyPackConfigs } : {}),
            onEvent: events.onEvent,
            onOutput: log,
            onError: (s) => {
                stderr += s;
                log(s);
            },
        });
    } catch (err) {
        failed = true;
        stderr += `\n${errorText(err)}`;
    }
    const report = events.changes();
    const found = blockers(report, { allowReplace: opts.allowReplace });
    // Pulumi fails a preview that violates a mandatory policy: that is the policy verdict, not a failure.
    const policyBlocked = found.some((b) => b.kind === "policy");
    if (policyBlocked) {
        // The engine's closing "preview failed" only repeats the policy verdict.
        report.errors = report.errors.filter((e) => !/^(preview|update) failed$/.test(e));
    } else if (failed && report.errors.length === 0) {
        report.errors.push(lastLines(stderr, 30));
    }
    let audit: unknown;
    try {
        audit = auditOutput(await stack.outputs());
    } catch {
        audit = undefined;
    }
    const summary: PreviewSummary = { header: { ...h, notes: [...(h.notes ?? []), ...(pol.note ? [pol.note] : [])] }, report, blockers: found, ...(audit !== undefined ? { audit, auditSource: "stack output as of the last update" } : {}) };
    const exitCode = failed && !policyBlocked ? EXIT.failed : exitCodeFor(found);
    return { summary, failed: failed && !policyBlocked, exitCode, stderr };
}

function lastLines(text: string, n: number): string {
    return text.trim().split("\n").slice(-n).join("\n");
}

/** Runs one GitOps command; resolves to the process exit code. */
export async function runGitops(opts: GitopsOptions): Promise<number> {
    const start = Date.now();
    const stackFile = path.join(ROOT, "stacks", `Pulumi.${opts.stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        console.error(`[${TAG}] no stack file stacks/Pulumi.${opts.stack}.yaml: create it (see stacks/Pulumi.dev.yaml) or pass --stack`);
        return EXIT.failed;
    }
    await ensureToolchain();
    const notes: string[] = [];
    const mode = clusterMode(stackFile);
    // Refreshing reads the cluster back; a render-only stack has none (its output is files).
    const canRefresh = mode !== "render";
    if (mode === "render" && (opts.command === "apply" || opts.refresh)) {
        notes.push("Render-only stack: no cluster to refresh from; the manifests are rewritten from the program.");
    }
    if (mode === "render" && opts.command === "drift") {
        notes.push("Render-only stack: there is no cluster, so Kubernetes objects keep their recorded state; the check covers the other resources (generated secrets, certificates).");
    }
    if (mode === "local") {
        const fresh = await localUp({ storageClasses: localStorageClasses(), cidrs: localCidrs() });
        if (fresh && opts.command === "preview" && !opts.refresh) {
            notes.push("The local control plane was just started: objects the stack remembers may be missing; `apply` refreshes first, or preview with --refresh.");
        }
    }
    const out = path.resolve(opts.out ?? path.join(ROOT, "gitops", "out", opts.env));
    fs.mkdirSync(out, { recursive: true });
    const header: ReportHeader = { command: opts.command, env: opts.env, stack: opts.stack, notes };
    const logFile = path.join(out, `${opts.command}.log`);
    const log = outputLog(logFile);
    const rel = (p: string) => path.relative(process.cwd(), p) || ".";
    try {
        let stack: Stack;
        try {
            stack = await openStack(opts, opts.command === "preview" || opts.command === "apply", mode);
        } catch (err) {
            if (err instanceof StackNotFoundError) {
                console.error(`[${TAG}] stack ${opts.stack} does not exist in the backend: nothing to check for drift; apply it first`);
                return EXIT.failed;
            }
            throw err;
        }
        say(TAG, `${opts.command} ${opts.env} (stack ${opts.stack}); Pulumi output: ${rel(logFile)}`);

        if (opts.command === "preview") {
            const run = await runPreview(stack, opts, header, opts.refresh && canRefresh, log.write);
            writeReport(out, "preview", renderPreviewMarkdown(run.summary), { ...jsonHeader(opts, run.exitCode, start), ...run.summary });
            printPreview(run);
            say(TAG, `wrote ${rel(path.join(out, "preview.md"))} and preview.json (${elapsed(Date.now() - start)})`);
            return run.exitCode;
        }

        if (opts.command === "apply") {
            say(TAG, `preview${canRefresh ? " (with refresh)" : ""} before applying`);
            const run = await runPreview(stack, opts, header, canRefresh, log.write);
            const summary: ApplySummary = { ...run.summary };
            printPreview(run);
            if (run.exitCode !== EXIT.ok) {
                writeReport(out, "apply", renderApplyMarkdown(summary), { ...jsonHeader(opts, run.exitCode, start), ...summary });
                say(TAG, `not applied; wrote ${rel(path.join(out, "apply.md"))}`);
                return run.exitCode;
            }
            say(TAG, `pulumi up${canRefresh ? " (with refresh)" : ""}`);
            const pol = policyArgs(opts.env, opts.policies);
            const events = new EventCollector();
            let code: number = EXIT.ok;
            try {
                const up = await stack.up({
                    refresh: canRefresh,
                    ...(pol.policyPacks ? { policyPacks: pol.policyPacks } : {}),
                    ...(pol.policyPackConfigs ? { policyPackConfigs: pol.policyPackConfigs } : {}),
                    onEvent: events.onEvent,
                    onOutput: log.write,
                    onError: log.write,
                });
                const secs = Math.round((new Date(up.summary.endTime).getTime() - new Date(up.summary.startTime).getTime()) / 1000);
                summary.update = { result: up.summary.result, durationSeconds: secs, report: events.changes() };
                const audit = auditOutput(up.outputs);
                if (audit !== undefined) {
                    summary.audit = audit;
                    summary.auditSource = "stack output after this update";
                }
                code = up.summary.result === "succeeded" ? EXIT.ok : EXIT.failed;
            } catch (err) {
                const report = events.changes();
                if (report.errors.length === 0) {
                    report.errors.push(lastLines(errorText(err), 30));
                }
                summary.update = { result: "failed", report };
                code = report.policies.some((p) => p.level === "mandatory") ? EXIT.policy : EXIT.failed;
            }
            writeReport(out, "apply", renderApplyMarkdown(summary), { ...jsonHeader(opts, code, start), ...summary });
            say(TAG, `update ${summary.update.result}: ${countsLine(summary.update.report.counts)}`);
            for (const e of summary.update.report.errors) {
                console.error(`[${TAG}] ${e}`);
            }
            say(TAG, `wrote ${rel(path.join(out, "apply.md"))} and apply.json (${elapsed(Date.now() - start)})`);
            return code;
        }

        // drift: a refresh in preview mode. It compares the state with the cluster and changes nothing.
        const events = new EventCollector();
        let failed = false;
        let stderr = "";
        try {
            await stack.previewRefresh({ onEvent: events.onEvent, onOutput: log.write, onError: (s) => { stderr += s; log.write(s); } });
        } catch (err) {
            failed = true;
            stderr += `\n${errorText(err)}`;
        }
        const drift = events.drift();
        if (failed && drift.errors.length === 0) {
            drift.errors.push(lastLines(stderr, 30));
        }
        const code = failed ? EXIT.failed : drift.drifted.length > 0 ? EXIT.drift : EXIT.ok;
        writeReport(out, "drift", renderDriftMarkdown(header, drift), { ...jsonHeader(opts, code, start), notes, ...drift });
        if (failed) {
            for (const e of drift.errors) {
                console.error(`[${TAG}] ${e}`);
            }
        } else if (drift.drifted.length === 0) {
            say(TAG, `no drift: ${drift.checked} resources match the stack's state`);
        } else {
            say(TAG, `DRIFT in ${drift.drifted.length} of ${drift.checked} resources:`);
            for (const d of drift.drifted) {
                say(TAG, `  ${d.op === "delete" ? "gone   " : "changed"} ${d.type} ${d.name}${d.id ? ` [${d.id}]` : ""}${d.diffs.length ? ` (${d.diffs.join(", ")})` : ""}  ${d.urn}`);
            }
            say(TAG, `reconcile with: npm run gitops -- apply --env ${opts.env}${opts.stack !== opts.env ? ` --stack ${opts.stack}` : ""}`);
        }
        say(TAG, `wrote ${rel(path.join(out, "drift.md"))} and drift.json (${elapsed(Date.now() - start)})`);
        return code;
    } finally {
        log.close();
    }
}

function jsonHeader(opts: GitopsOptions, exitCode: number, start: number): Record<string, unknown> {
    return {
        command: opts.command,
        env: opts.env,
        stack: opts.stack,
        exitCode,
        startedAt: new Date(start).toISOString(),
        finishedAt: new Date().toISOString(),
    };
}

function printPreview(run: PreviewRun): void {
    const s = run.summary;
    say(TAG, `changes: ${countsLine(s.report.counts)}`);
    const mandatory = s.report.policies.filter((p) => p.level === "mandatory").length;
    say(TAG, `policy violations: ${mandatory} mandatory, ${s.report.policies.length - mandatory} advisory`);
    for (const n of s.header.notes ?? []) {
        say(TAG, n);
    }
    for (const b of s.blockers) {
        console.error(`[${TAG}] BLOCKED: ${b.message}`);
    }
    if (run.failed) {
        for (const e of s.report.errors) {
            console.error(`[${TAG}] ${e}`);
        }
    }
}

if (require.main === module) {
    if (process.argv.includes("--help") || process.argv.includes("-h")) {
        console.log(USAGE);
        process.exit(EXIT.ok);
    }
    let opts: GitopsOptions;
    try {
        opts = parseGitopsArgs(process.argv.slice(2), process.env);
    } catch (err) {
        if (err instanceof UsageError) {
            console.error(`[${TAG}] ${err.message}\n${USAGE}`);
            process.exit(EXIT.usage);
        }
        throw err;
    }
    runGitops(opts).then(
        (code) => process.exit(code),
        (err: Error) => {
            console.error(`[${TAG}] ${err instanceof PassphraseRequiredError ? err.message : err.message.split("\n").slice(0, 20).join("\n")}`);
            process.exit(EXIT.failed);
        },
    );
}
