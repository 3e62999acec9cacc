/**
 * Route ownership and app checks as a user meets them: a manifest that routes another team's host
 * fails `pulumi preview` (the real CLI) with one line naming the app, the host and its owner, before
 * any resource is registered, and `check-config` rejects the same stack file.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { withThrowawayStack } from "../../scripts/render";
import { ensureToolchain } from "../../scripts/lib/setup";
import { pulumiSync } from "../../scripts/lib/pulumi";
import { ROOT, hasStackTrace, runScript } from "./cli";

/** An app of team shop that routes a host under team data's subdomain (dev: dev.containercloud.test). */
const THIEF = {
    name: "thief",
    team: "shop",
    image: "docker.io/library/busybox:1.37.0",
    processes: { web: { port: 8080 } },
    routes: [{ host: "reports.data.dev.containercloud.test" }],
};
const APPS = { appDir: "stacks/apps/dev", inline: [THIEF] };
const LINE = "app thief (team shop): host reports.data.dev.containercloud.test belongs to team data";

describe("route ownership (real Pulumi CLI and check-config)", { timeout: 10 * 60 * 1000 }, () => {
    before(async () => {
        await ensureToolchain();
    });

    it("fails pulumi preview with one line naming the app, the host and its owner, registering nothing", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "app-checks-"));
        try {
            const r = await withThrowawayStack("dev", out, async ({ stack, env }) =>
                pulumiSync(["preview", "--non-interactive", "-s", stack], { stack, env }), { "containercloud:apps": APPS });
            assert.notEqual(r.code, 0, "the preview must fail");
            const text = r.stdout + r.stderr;
            assert.ok(text.includes(LINE), text);
            assert.match(text, /nothing was deployed/);
            assert.doesNotMatch(text, /kubernetes:/, "a resource was registered before the check");
            assert.equal(hasStackTrace(text), false, text);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("check-config rejects the same stack file with the same line", () => {
        const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8"));
        doc.config["containercloud:apps"] = APPS;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-config-apps-"));
        try {
            const file = path.join(dir, "Pulumi.thief.yaml");
            fs.writeFileSync(file, stringify(doc));
            const r = runScript("check-config", [file]);
            assert.equal(r.code, 1, r.stdout + r.stderr);
            assert.ok(r.stdout.includes(`: ${LINE}`), r.stdout);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
