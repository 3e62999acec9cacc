import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/tenancy/tenant-namespace");

const baseArgs = () => ({
    namespace: "team-a",
    team: "a",
    quota: {
        requestsCpu: "2", requestsMemory: "4Gi", limitsCpu: "4", limitsMemory: "8Gi",
        storage: "50Gi", pods: 50, services: 10, persistentVolumeClaims: 5,
    },
    limits: {
        defaultRequest: { cpu: "100m", memory: "128Mi" },
        default: { cpu: "500m", memory: "512Mi" },
        max: { cpu: "2", memory: "4Gi" },
    },
});

describe("TenantNamespace", () => {
    before(async () => {
        mod = await import("../../components/tenancy/tenant-namespace");
        new mod.TenantNamespace("team-a", { ...baseArgs(), groups: { developers: ["team-a-devs"] }, registryPullConfig: "{}" });
        await rec.settle();
    });

    it("labels the namespace restricted for Pod Security by default", () => {
        const ns = rec.one("kubernetes:core/v1:Namespace", "team-a");
        assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(ns.inputs.metadata.labels["containercloud.io/team"], "a");
        assert.equal(ns.parentType, "containercloud:tenancy:TenantNamespace");
    });

    it("sets a quota on CPU, memory, storage, pods, services and PVCs", () => {
        const q = rec.one("kubernetes:core/v1:ResourceQuota", "team-a-quota");
        assert.deepEqual(Object.keys(q.inputs.spec.hard).sort(), [
            "limits.cpu", "limits.memory", "persistentvolumeclaims", "pods",
            "requests.cpu", "requests.memory", "requests.storage", "services",
        ]);
        assert.equal(q.inputs.spec.hard["requests.memory"], "4Gi");
    });

    it("gives every container default requests and limits through a LimitRange", () => {
        const lr = rec.one("kubernetes:core/v1:LimitRange", "team-a-limits");
        const c = lr.inputs.spec.limits[0];
        assert.equal(c.type, "Container");
        assert.deepEqual(c.defaultRequest, { cpu: "100m", memory: "128Mi" });
        assert.deepEqual(c.max, { cpu: "2", memory: "4Gi" });
    });

    it("denies all ingress and egress by default and allows DNS and the router", () => {
        const deny = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-default-deny");
        assert.deepEqual(deny.inputs.spec.podSelector, {});
        assert.deepEqual(deny.inputs.spec.policyTypes, ["Ingress", "Egress"]);
        const dns = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-allow-dns");
        assert.equal(dns.inputs.spec.egress[0].ports[0].port, 53);
        const router = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-allow-router");
        assert.deepEqual(router.inputs.spec.ingress[0].from[0].namespaceSelector.matchLabels, { "containercloud.io/role": "router" });
    });

    it("lets Prometheus's pods in the monitoring namespace reach the apps' metrics port, and nothing more", async () => {
        const mon = await import("../../components/core/monitoring");
        const allow = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-allow-prometheus");
        assert.deepEqual(allow.inputs.spec.policyTypes, ["Ingress"]);
        assert.equal(allow.inputs.spec.egress, undefined);
        assert.equal(allow.inputs.spec.ingress.length, 1);
        const rule = allow.inputs.spec.ingress[0];
        // One peer holding both selectors (Prometheus in the monitoring namespace), not two peers (either).
        assert.deepEqual(rule.from, [{
            namespaceSelector: { matchLabels: mon.MONITORING_NAMESPACE_LABELS },
            podSelector: { matchLabels: mon.PROMETHEUS_POD_LABELS },
        }]);
        assert.deepEqual(rule.ports, [{ protocol: "TCP", port: mon.APP_METRICS_PORT_NAME }]);
    });

    it("lets every pod send OTLP to the collector's pods in the monitoring namespace, on its OTLP ports only", async () => {
        const mon = await import("../../components/core/monitoring");
        const allow = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "team-a-allow-otlp");
        assert.deepEqual(allow.inputs.spec.policyTypes, ["Egress"]);
        assert.equal(allow.inputs.spec.ingress, undefined);
        assert.deepEqual(allow.inputs.spec.egress, [{
            to: [{ namespaceSelector: { matchLabels: mon.MONITORING_NAMESPACE_LABELS }, podSelector: { matchLabels: mon.OTEL_COLLECTOR_POD_LABELS } }],
            ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }],
        }]);
    });

    it("binds only the groups it is given", () => {
        const rbs = rec.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").map((r) => r.name);
        assert.deepEqual(rbs, ["team-a-developer-view", "team-a-developer"]);
    });

    it("gives developers view plus the tenant-developer Role, not edit", () => {
        const view = rec.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "team-a-developer-view");
        assert.deepEqual(view.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" });
        assert.deepEqual(view.inputs.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "team-a-devs" }]);
        const write = rec.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "team-a-developer");
        assert.deepEqual(write.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "tenant-developer" });
        assert.ok(!rec.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").some((rb) => rb.inputs.roleRef.name === "edit"));
    });

    it("lets developers write Secrets but never read one (the registry credentials among them)", () => {
        const role = rec.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "team-a-developer-role");
        const secretRules = role.inputs.rules.filter((r: any) => r.resources.includes("secrets"));
        assert.equal(secretRules.length, 1);
        for (const verb of ["get", "list", "watch"]) {
            assert.ok(!role.inputs.rules.some((r: any) => r.resources.includes("secrets") && r.verbs.includes(verb)), `developers may ${verb} secrets`);
        }
        assert.ok(!role.inputs.rules.some((r: any) => r.verbs.includes("impersonate") || r.resources.includes("serviceaccounts/token")));
    });

    it("stores the registry pull config as a dockerconfigjson Secret", () => {
        const s = rec.one("kubernetes:core/v1:Secret", "team-a-registry-pull");
        assert.equal(s.inputs.type, "kubernetes.io/dockerconfigjson");
    });

    it("rejects a default request above the default limit, naming the field", () => {
        const args = baseArgs();
        args.limits.defaultRequest.memory = "1Gi";
        assert.throws(() => new mod.TenantNamespace("bad", args), /limits\.defaultRequest\.memory \(1Gi\) is above limits\.default\.memory \(512Mi\)/);
    });

    it("rejects the default namespace", () => {
        assert.throws(() => new mod.TenantNamespace("bad2", { ...baseArgs(), namespace: "default" }), /reserved by Kubernetes/);
    });
});
