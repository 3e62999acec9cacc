/**
 * `npm run gitops` for real (Automation API, real Pulumi CLI, real policy pack) against its own
 * render-only stack `gitops-e2e` in a temporary backend and PULUMI_HOME, so the user's `local`
 * stack, its state and its selected stack are never touched. Drift against a live cluster is
 * covered by the lifecycle test.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { fullLocalConfig } from "../helpers/local-config";
import { ROOT, runScript, type ScriptResult } from "./cli";
import { EXIT } from "../../scripts/lib/gitops-report";

const STACK = "gitops-e2e";
const stackFile = path.join(ROOT, "stacks", `Pulumi.${STACK}.yaml`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-gitops-e2e-"));
const backend = `file://${path.join(tmp, "backend")}`;
const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_HOME: path.join(tmp, "home") };

function gitops(command: string, out: string, ...extra: string[]): ScriptResult {
    return runScript("gitops", [command, "--env", "local", "--stack", STACK, "--backend", backend, "--out", path.join(tmp, out), ...extra], env);
}

function readJson(out: string, name: string): Record<string, any> {
    return JSON.parse(fs.readFileSync(path.join(tmp, out, `${name}.json`), "utf8"));
}

const explain = (r: ScriptResult) => `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`;

describe("npm run gitops (real Pulumi, render-only stack in a temporary backend)", () => {
    before(() => {
        fs.mkdirSync(path.join(tmp, "backend"), { recursive: true });
        fs.mkdirSync(path.join(tmp, "home"), { recursive: true });
        // The plugins setup installed; everything else (workspaces, credentials) stays in tmp.
        fs.symlinkSync(path.join(ROOT, ".state", "pulumi-home", "plugins"), path.join(tmp, "home", "plugins"));
        const config = { ...fullLocalConfig(), "containercloud:cluster": { mode: "render", renderDir: path.join(tmp, "render") } };
        fs.writeFileSync(stackFile, `# Written by test/e2e/gitops.test.ts and removed after it.\n${stringify({ config })}`);
    });

    after(() => {
        fs.rmSync(stackFile, { force: true });
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("preview writes preview.md and preview.json and exits 0", () => {
        const r = gitops("preview", "preview", "--no-policies");
        assert.equal(r.code, EXIT.ok, explain(r));
        const md = fs.readFileSync(path.join(tmp, "preview", "preview.md"), "utf8");
        assert.ok(md.startsWith("<!-- containercloud-gitops:preview:local -->\n### containercloud preview: `local` (stack `gitops-e2e`) — ✅ ok"), md.slice(0, 300));
        assert.ok(md.includes("<summary><code>containercloud:etcd:EtcdCluster platform-etcd</code>"));
        const json = readJson("preview", "preview");
        assert.equal(json.exitCode, EXIT.ok);
        assert.ok(json.report.counts.create > 10, JSON.stringify(json.report.counts));
        assert.ok(json.report.resources.some((x: { type: string; op: string }) => x.type === "kubernetes:apps/v1:StatefulSet" && x.op === "create"));
    });

    it("preview with the policy pack reports its verdict and exits 3 exactly when a mandatory policy fails", () => {
        const r = gitops("preview", "policies");
        const json = readJson("policies", "preview");
        const mandatory = json.report.policies.filter((p: { level: string }) => p.level === "mandatory").length;
        assert.equal(r.code, mandatory > 0 ? EXIT.policy : EXIT.ok, explain(r));
        assert.equal(json.exitCode, r.code);
        assert.ok(!(json.header.notes as string[]).some((n) => n.startsWith("Policies: not run")), "the policy pack ran");
        assert.ok(fs.readFileSync(path.join(tmp, "policies", "preview.md"), "utf8").includes("#### Policy violations"));
    });

    it("after an apply, drift finds nothing and a new preview changes nothing", () => {
        const a = gitops("apply", "apply", "--no-policies");
        assert.equal(a.code, EXIT.ok, explain(a));
        assert.equal(readJson("apply", "apply").update.result, "succeeded");
        assert.ok(fs.readFileSync(path.join(tmp, "apply", "apply.md"), "utf8").includes("— ✅ applied"));

        const d = gitops("drift", "drift");
        assert.equal(d.code, EXIT.ok, explain(d));
        const drift = readJson("drift", "drift");
        assert.deepEqual(drift.drifted, []);
        assert.ok(drift.checked > 10);
        assert.ok(fs.readFileSync(path.join(tmp, "drift", "drift.md"), "utf8").includes("— ✅ no drift"));

        const p = gitops("preview", "again", "--no-policies");
        assert.equal(p.code, EXIT.ok, explain(p));
        assert.deepEqual(Object.keys(readJson("again", "preview").report.counts), ["same"]);
    });

    it("drift of a stack the backend does not have fails with a sentence, not a stack trace", () => {
        fs.mkdirSync(path.join(tmp, "empty"), { recursive: true });
        const r = runScript("gitops", ["drift", "--env", "local", "--stack", STACK, "--backend", `file://${path.join(tmp, "empty")}`, "--out", path.join(tmp, "none")], env);
        assert.equal(r.code, EXIT.failed);
        assert.match(r.stderr, /stack gitops-e2e does not exist in the backend/);
    });

    it("a wrong command line exits 2 with the usage", () => {
        const r = runScript("gitops", ["deploy", "--env", "local"], env);
        assert.equal(r.code, EXIT.usage);
        assert.match(r.stderr, /unknown command "deploy"[\s\S]*usage: npm run gitops/);
    });
});
