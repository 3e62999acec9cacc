import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { podSpecOf } from "./helpers";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/platform-control");

describe("PlatformControl", () => {
    before(async () => {
        mod = await import("../../components/app-engine/platform-control");
        new mod.PlatformControl("ctl", { environment: "prod" });
        await rec.settle();
    });

    it("ranks platform PriorityClasses above apps", () => {
        const pcs = Object.fromEntries(rec.ofType("kubernetes:scheduling.k8s.io/v1:PriorityClass").map((p) => [p.inputs.metadata.name, p.inputs.value]));
        assert.ok(pcs["containercloud-platform-critical"] > pcs["containercloud-platform"]);
        assert.ok(pcs["containercloud-platform"] > pcs["containercloud-apps"]);
        assert.ok(Object.values(pcs).every((v) => (v as number) < 1000000000), "stays below system-* classes");
    });

    it("registers metrics-server as the v1beta1.metrics.k8s.io APIService", () => {
        const api = rec.one("kubernetes:apiregistration.k8s.io/v1:APIService", "ctl-metrics-api");
        assert.equal(api.inputs.metadata.name, "v1beta1.metrics.k8s.io");
        assert.equal(api.inputs.spec.service.name, "metrics-server");
        assert.equal(api.inputs.spec.service.namespace, "containercloud-control");
    });

    it("runs metrics-server HA in prod with verified kubelet TLS", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "ctl-metrics-server");
        assert.equal(d.inputs.spec.replicas, 2);
        const c = podSpecOf(d).containers[0];
        assert.ok(!c.args.includes("--kubelet-insecure-tls"));
        assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
        assert.equal(podSpecOf(d).priorityClassName, "containercloud-platform-critical");
        rec.one("kubernetes:policy/v1:PodDisruptionBudget", "ctl-metrics-pdb");
    });

    it("binds metrics-server to auth-delegator and the authentication reader", () => {
        assert.equal(rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "ctl-metrics-auth-delegator").inputs.roleRef.name, "system:auth-delegator");
        const rb = rec.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "ctl-metrics-auth-reader");
        assert.equal(rb.inputs.metadata.namespace, "kube-system");
        assert.equal(rb.inputs.roleRef.name, "extension-apiserver-authentication-reader");
    });
});

describe("node roles", () => {
    it("taints storage and edge nodes but not workers", async () => {
        const m = await import("../../components/app-engine/platform-control");
        assert.deepEqual(m.nodeRoleSpec("edge").taints, [{ key: "containercloud.io/node-role", value: "edge", effect: "NoSchedule" }]);
        assert.deepEqual(m.nodeRoleSpec("worker").taints, []);
    });

    it("publishes kubectl commands in node order instead of patching Nodes", async () => {
        const m = await import("../../components/app-engine/platform-control");
        assert.deepEqual(m.nodeRoleCommands({ "n2": "worker", "n1": "edge" }), [
            "kubectl label node n1 --overwrite containercloud.io/node-role=edge node-role.kubernetes.io/edge=",
            "kubectl taint node n1 --overwrite containercloud.io/node-role=edge:NoSchedule",
            "kubectl label node n2 --overwrite containercloud.io/node-role=worker node-role.kubernetes.io/worker=",
        ]);
    });
});

describe("auditResources", () => {
    const quota = { requestsCpu: "1", requestsMemory: "1Gi", limitsCpu: "2", limitsMemory: "2Gi", storage: "10Gi", pods: 10, services: 5, persistentVolumeClaims: 2 };
    const r = (cpu: string, mem: string) => ({ requests: { cpu, memory: mem }, limits: { cpu, memory: mem } });

    it("sums the platform footprint by module, DaemonSets once per node", async () => {
        const m = await import("../../components/app-engine/platform-control");
        const a = m.auditResources([
            { module: "router", name: "gw", replicas: 2, containers: [r("100m", "128Mi")] },
            { module: "logs", name: "fb", replicas: 1, perNode: true, containers: [r("50m", "64Mi")] },
        ], {}, 3);
        assert.deepEqual(a.platform.requests, { cpu: "350m", memory: "448Mi" });
        assert.deepEqual(a.platform.byModule.logs.requests, { cpu: "150m", memory: "192Mi" });
    });

    it("compares each team's requests with its quota", async () => {
        const m = await import("../../components/app-engine/platform-control");
        const a = m.auditResources([
            { module: "app-runtime", name: "web", replicas: 3, containers: [r("500m", "256Mi")], team: "shop" },
            { module: "app-runtime", name: "w", replicas: 1, containers: [r("100m", "128Mi")], team: "data" },
        ], { shop: quota, data: quota });
        assert.equal(a.teams.shop.fits, false);
        assert.deepEqual(a.teams.shop.used, { cpu: 150, memory: 75 });
        assert.equal(a.teams.data.fits, true);
        assert.deepEqual(a.platform.requests, { cpu: "0", memory: "0" });
    });
});
