/**
 * The policy pack in real previews: every environment passes its own policy config, and a program
 * of deliberately bad resources is rejected, naming each rule it breaks.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { withThrowawayStack } from "../../scripts/render";
import { ensureToolchain } from "../../scripts/lib/setup";
import { pulumiSync } from "../../scripts/lib/pulumi";
import { ROOT } from "../../scripts/lib/paths";

const POLICIES = path.join(ROOT, "policies");

describe("policy pack in real previews (real Pulumi CLI)", { timeout: 20 * 60 * 1000 }, () => {
    before(async () => {
        await ensureToolchain();
    });

    for (const env of ["local", "dev", "staging", "prod"]) {
        it(`${env}: the preview passes with policies/config/${env}.json`, async () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), `policy-${env}-`));
            const r = await withThrowawayStack(env, out, async ({ stack, env: runEnv }) =>
                pulumiSync(["preview", "--non-interactive", "-s", stack, "--policy-pack", POLICIES, "--policy-pack-config", path.join(POLICIES, "config", `${env}.json`)], { stack, env: runEnv }),
            );
            assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
            assert.match(r.stdout, /Policies:/);
            assert.doesNotMatch(r.stdout, /\[mandatory\]/);
        });
    }

    it("rejects a program with a Deployment without limits, a latest image, a privileged pod and a namespace without quota", () => {
        const dir = path.join(ROOT, "test", "fixtures", "bad-program");
        const backend = fs.mkdtempSync(path.join(os.tmpdir(), "bad-program-backend-"));
        const env = {
            ...process.env,
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "bad-program",
            BAD_PROGRAM_OUT: fs.mkdtempSync(path.join(os.tmpdir(), "bad-program-out-")),
        };
        try {
            const init = pulumiSync(["stack", "init", "bad", "--non-interactive"], { stack: "bad", env, cwd: dir });
            assert.equal(init.code, 0, init.stderr);
            const r = pulumiSync(["preview", "--non-interactive", "-s", "bad", "--policy-pack", POLICIES, "--policy-pack-config", path.join(POLICIES, "config", "prod.json")], { stack: "bad", env, cwd: dir });
            assert.notEqual(r.code, 0, "the preview must fail");
            for (const rule of ["container-resources-required", "image-pinned", "no-privileged-containers", "tenant-namespace-quota"]) {
                assert.match(r.stdout, new RegExp(`\\[mandatory\\]\\s+${rule}\\b`), `rule ${rule} not reported:\n${r.stdout}`);
            }
        } finally {
            fs.rmSync(path.join(dir, "Pulumi.bad.yaml"), { force: true });
            fs.rmSync(backend, { recursive: true, force: true });
        }
    });
});
