import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { imagePinned, noHostNetwork, tenantNamespaceQuota } from "../../policies/rules";
import { checkResource, checkStack, stackResource, UNKNOWN } from "./harness";
import { deployment, T, tenantIsolation, tenantNamespace } from "./fixtures";

// Props arrive wrapped in the host's unknown-checking proxy (the harness wraps them the same way).
describe("rules during preview", () => {
    it("map and filter over proxied arrays (the host's proxy breaks them on raw props)", async () => {
        const d = deployment((_, spec) => (spec.containers = [...spec.containers, { ...spec.containers[0], name: "sidecar", image: "nginx:latest" }]));
        assert.equal((await checkResource(imagePinned(), T.deployment, d)).messages.length, 1);
    });

    it("cannot run a rule that reads a value unknown during preview", async () => {
        const d = deployment((_, __, c) => (c.image = UNKNOWN.string));
        const out = await checkResource(imagePinned(), T.deployment, d);
        assert.deepEqual(out.messages, []);
        assert.match(out.unknown ?? "", /can't be known during preview/);
    });

    it("still runs a rule that does not read the unknown value", async () => {
        const d = deployment((_, __, c) => (c.image = UNKNOWN.string));
        const out = await checkResource(noHostNetwork(), T.deployment, d);
        assert.deepEqual(out.messages, []);
        assert.equal(out.unknown, undefined);
    });

    it("runs stack rules over resources with unknown fields they do not read", async () => {
        const iso = tenantIsolation("shop");
        const out = await checkStack(tenantNamespaceQuota(), [
            stackResource(T.namespace, { ...tenantNamespace("shop"), status: UNKNOWN.object }),
            stackResource(T.resourceQuota, { ...iso.quota, spec: UNKNOWN.object }),
            stackResource(T.limitRange, iso.limits),
        ]);
        assert.deepEqual(out.messages, []);
        assert.equal(out.unknown, undefined);
    });
});
