import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { skipIngressAwait } from "../../stacks/platform";

describe("skipIngressAwait", () => {
    const args = (type: string, props: Record<string, unknown>) => ({ type, name: "x", props, opts: {}, resource: undefined as any });

    it("marks an Ingress to skip the await and keeps its annotations", () => {
        const r = skipIngressAwait(args("kubernetes:networking.k8s.io/v1:Ingress", { metadata: { name: "web", annotations: { a: "b" } } }));
        assert.deepEqual((r?.props as any).metadata, { name: "web", annotations: { a: "b", "pulumi.com/skipAwait": "true" } });
    });

    it("leaves every other type alone", () => {
        assert.equal(skipIngressAwait(args("kubernetes:apps/v1:Deployment", { metadata: { name: "web" } })), undefined);
    });
});
