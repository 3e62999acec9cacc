import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseGitopsArgs, UsageError } from "../../scripts/lib/gitops-args";

describe("parseGitopsArgs", () => {
    it("defaults the stack to the environment and runs the policies", () => {
        assert.deepEqual(parseGitopsArgs(["preview", "--env", "dev"]), {
            command: "preview",
            env: "dev",
            stack: "dev",
            allowReplace: false,
            refresh: false,
            policies: true,
        });
    });

    it("takes --stack, --backend and --out, in both spellings", () => {
        const o = parseGitopsArgs(["drift", "--env=local", "--stack", "gitops-e2e", "--backend=file:///tmp/b", "--out", "/tmp/o"]);
        assert.deepEqual([o.command, o.env, o.stack, o.backend, o.out], ["drift", "local", "gitops-e2e", "file:///tmp/b", "/tmp/o"]);
    });

    it("allows stateful replacement by flag or by GITOPS_ALLOW_STATEFUL_REPLACE=true", () => {
        assert.equal(parseGitopsArgs(["apply", "--env", "prod", "--allow-replace"]).allowReplace, true);
        assert.equal(parseGitopsArgs(["apply", "--env", "prod"], { GITOPS_ALLOW_STATEFUL_REPLACE: "true" }).allowReplace, true);
        assert.equal(parseGitopsArgs(["apply", "--env", "prod"], { GITOPS_ALLOW_STATEFUL_REPLACE: "1" }).allowReplace, false);
    });

    it("reads --refresh and --no-policies", () => {
        const o = parseGitopsArgs(["preview", "--env", "dev", "--refresh", "--no-policies"]);
        assert.deepEqual([o.refresh, o.policies], [true, false]);
    });

    it("rejects a missing or unknown command with the exact message", () => {
        assert.throws(() => parseGitopsArgs(["--env", "dev"]), new UsageError("missing command: preview, apply or drift"));
        assert.throws(() => parseGitopsArgs(["destroy", "--env", "dev"]), new UsageError('unknown command "destroy": use preview, apply or drift'));
    });

    it("rejects a missing --env, a flag without value and unknown flags", () => {
        assert.throws(() => parseGitopsArgs(["preview"]), new UsageError("missing --env ENV"));
        assert.throws(() => parseGitopsArgs(["preview", "--env", "--refresh"]), new UsageError("--env needs a value"));
        assert.throws(() => parseGitopsArgs(["preview", "--env", "dev", "--yes"]), new UsageError('unknown argument "--yes"'));
    });

    it("rejects an environment that is not a plain name", () => {
        assert.throws(() => parseGitopsArgs(["preview", "--env", "../etc"]), /--env must be a plain name/);
    });
});
