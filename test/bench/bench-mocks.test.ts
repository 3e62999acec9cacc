import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { installBenchMocks } from "../../scripts/lib/bench-mocks";

const rec = installBenchMocks({ stack: "prod", keepInputs: true });

describe("bench mocks", () => {
    it("record each registration's inputs and the options the engine receives", async () => {
        const k8s = await import("@pulumi/kubernetes");
        const parent = new pulumi.ComponentResource("containercloud:test:Parent", "p");
        const sa = new k8s.core.v1.ServiceAccount("sa", { metadata: { name: "sa", namespace: "ns" } }, { parent });
        new k8s.core.v1.ConfigMap("s", { metadata: { name: "s", namespace: sa.metadata.namespace }, data: { k: "v" } }, {
            parent,
            additionalSecretOutputs: ["data"],
            deleteBeforeReplace: true,
        });
        new k8s.rbac.v1.Role("r", { metadata: { name: "r", namespace: "ns" } }, { parent, dependsOn: [sa] });
        await rec.settled();
        const byName = new Map(rec.resources.map((r) => [r.name, r]));
        assert.deepEqual(byName.get("sa")?.inputs.metadata, { name: "sa", namespace: "ns" });
        assert.equal(byName.get("p")?.options, undefined);
        const secret = byName.get("s")!.options!;
        assert.deepEqual(secret.dependsOn, [byName.get("sa")!.urn], "an Output input is a dependency");
        assert.deepEqual(secret.additionalSecretOutputs, ["data"]);
        assert.equal(secret.deleteBeforeReplace, true);
        const role = byName.get("r")!.options!;
        assert.deepEqual(role.dependsOn, [byName.get("sa")!.urn]);
        // typed classes alias their older API versions; the spec's parent is the resource's own, so it is left out
        assert.deepEqual(role.aliases, [{ type: "kubernetes:rbac.authorization.k8s.io/v1alpha1:Role" }, { type: "kubernetes:rbac.authorization.k8s.io/v1beta1:Role" }]);
    });
});
