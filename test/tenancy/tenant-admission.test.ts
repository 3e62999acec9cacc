import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/tenancy/tenant-admission");
let rules: typeof import("../../components/core/tenant-rules");

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const TARGETS = ["workloads", "services", "platform-objects"] as const;

describe("TenantAdmission", () => {
    before(async () => {
        mod = await import("../../components/tenancy/tenant-admission");
        rules = await import("../../components/core/tenant-rules");
        new mod.TenantAdmission("adm", {
            environment: "local",
            allowedRegistries: ["10.210.0.1:5000"],
            allowedCapabilities: ["NET_BIND_SERVICE"],
            maxCpu: "4",
            maxMemory: "8Gi",
        });
        new mod.TenantAdmission("deployer", { environment: "prod", ...rules.DEFAULT_TENANT_RULE_PARAMS, exemptGroups: ["platform-deployers"] });
        await rec.settle();
    });

    it("renders one policy and one binding per target, with the names the API server's refusals quote", () => {
        for (const target of TARGETS) {
            const vap = rec.one(VAP, `adm-${target}`);
            assert.equal(vap.inputs.metadata.name, `containercloud-tenant-${target}`);
            assert.equal(vap.parentType, "containercloud:tenancy:TenantAdmission");
            const binding = rec.one(BINDING, `adm-${target}`);
            assert.equal(binding.inputs.spec.policyName, `containercloud-tenant-${target}`);
            assert.deepEqual(binding.inputs.spec.validationActions, ["Deny"]);
        }
    });

    it("has one validation per rule, the rule's CEL and its message, in the policy of its target", () => {
        const all = rules.tenantRules({ allowedRegistries: ["10.210.0.1:5000"], allowedCapabilities: ["NET_BIND_SERVICE"], maxCpu: "4", maxMemory: "8Gi" });
        for (const target of TARGETS) {
            const validations = rec.one(VAP, `adm-${target}`).inputs.spec.validations;
            const expected = all.filter((r) => r.target === target);
            assert.ok(expected.length > 0, target);
            assert.deepEqual(validations, expected.map((r) => ({ expression: r.expression, message: r.message, reason: "Forbidden" })));
        }
    });

    it("covers every rule the brief names", () => {
        const messages = TARGETS.flatMap((t) => rec.one(VAP, `adm-${t}`).inputs.spec.validations.map((v: any) => v.message as string));
        for (const rule of ["no-privileged-containers", "no-host-network", "no-host-pid-ipc", "no-host-path-volumes", "no-host-ports",
            "no-privilege-escalation", "restricted-capabilities", "container-resources-required", "container-limits-within-ceiling",
            "image-registry-allowed", "image-pinned", "router-only-external-services", "tenant-namespace-default-deny", "tenant-namespace-quota"]) {
            assert.ok(messages.some((m) => m.startsWith(`containercloud: ${rule}: `)), rule);
        }
    });

    it("binds to every namespace but the platform's (by label) and Kubernetes' own, whatever the tenant label says", () => {
        const selector = rec.one(BINDING, "adm-workloads").inputs.spec.matchResources.namespaceSelector;
        assert.deepEqual(selector, {
            matchExpressions: [
                { key: "containercloud.io/namespace-owner", operator: "NotIn", values: ["platform"] },
                { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kube-public", "kube-node-lease"] },
            ],
        });
        assert.ok(!JSON.stringify(selector).includes("containercloud.io/tenant"));
    });

    it("matches every pod-bearing kind on create and update, and finds each kind's pod spec", () => {
        const spec = rec.one(VAP, "adm-workloads").inputs.spec;
        const resources = spec.matchConstraints.resourceRules.flatMap((r: any) => r.resources).sort();
        assert.deepEqual(resources, ["cronjobs", "daemonsets", "deployments", "jobs", "pods", "replicasets", "replicationcontrollers", "statefulsets"]);
        for (const r of spec.matchConstraints.resourceRules) {
            assert.deepEqual(r.operations, ["CREATE", "UPDATE"]);
        }
        assert.match(spec.variables[0].expression, /object\.spec\.jobTemplate\.spec\.template\.spec/);
        assert.equal(spec.failurePolicy, "Fail");
    });

    it("guards the platform's objects against update and delete, by their managed-by labels", () => {
        const spec = rec.one(VAP, "adm-platform-objects").inputs.spec;
        assert.deepEqual(spec.matchConstraints.objectSelector, { matchLabels: { "app.kubernetes.io/part-of": "containercloud", "app.kubernetes.io/managed-by": "pulumi" } });
        const resources = spec.matchConstraints.resourceRules.flatMap((r: any) => r.resources).sort();
        assert.deepEqual(resources, ["limitranges", "networkpolicies", "resourcequotas", "rolebindings", "roles", "secrets"]);
        for (const r of spec.matchConstraints.resourceRules) {
            assert.deepEqual(r.operations, ["UPDATE", "DELETE"]);
        }
    });

    it("lets the platform's own identity through: system:masters and the controllers by default", () => {
        const cond = rec.one(VAP, "adm-services").inputs.spec.matchConditions;
        assert.deepEqual(cond, [{ name: "not-the-platform", expression: "!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ['system:masters', 'system:serviceaccounts:kube-system']))" }]);
    });

    it("takes the deployer's group instead when given", () => {
        const cond = rec.one(VAP, "deployer-services").inputs.spec.matchConditions[0].expression;
        assert.equal(cond, "!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ['platform-deployers']))");
    });
});
