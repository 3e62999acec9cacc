import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RecordedResource, countByType, replayFloor } from "../../scripts/lib/bench-floor";

const urn = (path: string, name: string) => `urn:pulumi:prod::containercloud::${path}::${name}`;
const rec = (type: string, name: string, parentUrn: string, custom: boolean, typePath = type): RecordedResource => ({
    type, name, custom, urn: urn(typePath, name), parentUrn, inputs: custom ? { metadata: { name } } : {},
});

/** A fake factory that records what it was asked to create. */
function fakeFactory() {
    const made: { kind: string; type: string; name: string; inputs?: Record<string, unknown>; parent?: string }[] = [];
    return {
        made,
        factory: {
            custom: (type: string, name: string, inputs: Record<string, unknown>, parent: string | undefined) => {
                made.push({ kind: "custom", type, name, inputs, parent });
                return name;
            },
            component: (type: string, name: string, parent: string | undefined) => {
                made.push({ kind: "component", type, name, parent });
                return name;
            },
        },
    };
}

describe("replayFloor", () => {
    const cloud = rec("containercloud:index:ContainerCloud", "platform", "", false);
    const tenant = rec("containercloud:tenancy:TenantNamespace", "platform-tenant-shop", cloud.urn, false, "containercloud:index:ContainerCloud$containercloud:tenancy:TenantNamespace");
    const ns = rec("kubernetes:core/v1:Namespace", "shop", tenant.urn, true, "containercloud:tenancy:TenantNamespace$kubernetes:core/v1:Namespace");

    it("creates every resource in order with the same type, name, inputs and parent", () => {
        const { made, factory } = fakeFactory();
        replayFloor([cloud, tenant, ns], factory);
        assert.deepEqual(made, [
            { kind: "component", type: "containercloud:index:ContainerCloud", name: "platform", parent: undefined },
            { kind: "component", type: "containercloud:tenancy:TenantNamespace", name: "platform-tenant-shop", parent: "platform" },
            { kind: "custom", type: "kubernetes:core/v1:Namespace", name: "shop", inputs: { metadata: { name: "shop" } }, parent: "platform-tenant-shop" },
        ]);
    });

    it("skips the stack resource and treats it as no parent", () => {
        const stack = rec("pulumi:pulumi:Stack", "containercloud-prod", "", false);
        const top = { ...cloud, parentUrn: stack.urn };
        const { made, factory } = fakeFactory();
        replayFloor([stack, top], factory);
        assert.equal(made.length, 1);
        assert.equal(made[0].parent, undefined);
    });

    it("refuses a fixture where a child comes before its parent", () => {
        const { factory } = fakeFactory();
        assert.throws(() => replayFloor([cloud, ns, tenant], factory), /comes before its parent/);
    });
});

describe("countByType", () => {
    it("counts registrations per type, sorted by type", () => {
        assert.deepEqual(countByType([{ type: "b" }, { type: "a" }, { type: "b" }]), { a: 1, b: 2 });
    });
});
