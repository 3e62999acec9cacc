import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RecordedResource, ReplayOptions, countByType, replayFloor } from "../../scripts/lib/bench-floor";

const urn = (path: string, name: string) => `urn:pulumi:prod::containercloud::${path}::${name}`;
const rec = (type: string, name: string, parentUrn: string, custom: boolean, typePath = type): RecordedResource => ({
    type, name, custom, urn: urn(typePath, name), parentUrn, inputs: custom ? { metadata: { name } } : {},
});

/** A fake factory that records what it was asked to create. */
function fakeFactory() {
    const made: { kind: string; type: string; name: string; inputs?: Record<string, unknown>; parent?: string; opts?: Omit<ReplayOptions<string>, "parent"> }[] = [];
    const split = ({ parent, ...rest }: ReplayOptions<string>) => (Object.keys(rest).length > 0 ? { parent, opts: rest } : { parent });
    return {
        made,
        factory: {
            custom: (type: string, name: string, inputs: Record<string, unknown>, opts: ReplayOptions<string>) => {
                made.push({ kind: "custom", type, name, inputs, ...split(opts) });
                return name;
            },
            component: (type: string, name: string, opts: ReplayOptions<string>) => {
                made.push({ kind: "component", type, name, ...split(opts) });
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

    it("passes the recorded options, with dependencies resolved to the replayed resources and aliases in pulumi's shape", () => {
        const dep = rec("kubernetes:core/v1:ServiceAccount", "sa", tenant.urn, true);
        const role = {
            ...rec("kubernetes:rbac.authorization.k8s.io/v1:Role", "role", tenant.urn, true),
            options: {
                dependsOn: [dep.urn, urn("pulumi:pulumi:Stack", "containercloud-prod")],
                aliases: [{ type: "kubernetes:rbac.authorization.k8s.io/v1beta1:Role" }, { name: "old", parentUrn: cloud.urn }, { name: "orphan", noParent: true as const }, "urn:x"],
                additionalSecretOutputs: ["data"],
                deleteBeforeReplace: true,
            },
        };
        const { made, factory } = fakeFactory();
        replayFloor([cloud, tenant, dep, role], factory);
        assert.deepEqual(made[3].opts, {
            dependsOn: ["sa"],
            aliases: [{ type: "kubernetes:rbac.authorization.k8s.io/v1beta1:Role" }, { name: "old", parent: cloud.urn }, { name: "orphan", parent: undefined }, "urn:x"],
            additionalSecretOutputs: ["data"],
            deleteBeforeReplace: true,
        });
        assert.ok(Object.hasOwn((made[3].opts!.aliases![2] as object), "parent"), "a no-parent alias keeps an explicit parent: undefined");
    });

    it("refuses a fixture where a resource comes before one it depends on", () => {
        const dep = rec("kubernetes:core/v1:ServiceAccount", "sa", "", true);
        const user = { ...rec("kubernetes:core/v1:Pod", "p", "", true), options: { dependsOn: [dep.urn] } };
        const { factory } = fakeFactory();
        assert.throws(() => replayFloor([user, dep], factory), /depends on .*sa, which comes after it/);
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
