import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { containersWithoutLimits, exemptionsOf } from "../helpers/workloads";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/network/flannel");

const base = { environment: "dev" as const, podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" };

describe("Flannel", () => {
    before(async () => {
        mod = await import("../../components/network/flannel");
        new mod.Flannel("net", { ...base, backend: { type: "vxlan", vni: 4 } });
        new mod.Flannel("net-none", { ...base, namespace: "flannel-none", networkPolicy: "none" });
        await rec.settle();
    });

    it("runs in a namespace labelled privileged for Pod Security", () => {
        const ns = rec.one("kubernetes:core/v1:Namespace", "net-ns");
        assert.equal(ns.inputs.metadata.name, "kube-flannel");
        assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    });

    it("grants only pods get, nodes get/list/watch and nodes/status patch", () => {
        const role = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "net-role");
        assert.deepEqual(role.inputs.rules.map((r: any) => `${r.resources.join(",")}:${r.verbs.join(",")}`), [
            "pods:get", "nodes:get,list,watch", "nodes/status:patch",
        ]);
    });

    it("puts both CNI and net config in the ConfigMap", () => {
        const cm = rec.one("kubernetes:core/v1:ConfigMap", "net-cfg");
        assert.deepEqual(Object.keys(cm.inputs.data), ["cni-conf.json", "net-conf.json"]);
        assert.equal(JSON.parse(cm.inputs.data["net-conf.json"]).Backend.VNI, 4);
    });

    it("runs the DaemonSet on the host network on every node, system-node-critical", () => {
        const spec = rec.one("kubernetes:apps/v1:DaemonSet", "net-ds").inputs.spec.template.spec;
        assert.equal(spec.hostNetwork, true);
        assert.deepEqual(spec.tolerations, [{ operator: "Exists" }]);
        assert.equal(spec.priorityClassName, "system-node-critical");
    });

    it("installs the CNI plugin and config from init containers", () => {
        const spec = rec.one("kubernetes:apps/v1:DaemonSet", "net-ds").inputs.spec.template.spec;
        assert.deepEqual(spec.initContainers.map((c: any) => c.name), ["install-cni-plugin", "install-cni"]);
    });

    it("adds only NET_ADMIN and NET_RAW, unprivileged", () => {
        const c = rec.one("kubernetes:apps/v1:DaemonSet", "net-ds").inputs.spec.template.spec.containers[0];
        assert.equal(c.securityContext.privileged, false);
        assert.deepEqual(c.securityContext.capabilities.add, ["NET_ADMIN", "NET_RAW"]);
        assert.deepEqual(c.args, ["--ip-masq", "--healthz-ip=127.0.0.1", "--healthz-port=10267", "--kube-subnet-mgr"]);
    });

    it("is live while flanneld answers /healthz and ready once /readyz says it wrote its subnet lease", () => {
        const c = rec.one("kubernetes:apps/v1:DaemonSet", "net-ds").inputs.spec.template.spec.containers[0];
        assert.deepEqual(c.livenessProbe.httpGet, { host: "127.0.0.1", path: "/healthz", port: 10267 });
        assert.deepEqual(c.readinessProbe.httpGet, { host: "127.0.0.1", path: "/readyz", port: 10267 });
    });

    it("declares the policy rules it breaks on the DaemonSet", () => {
        const rules = exemptionsOf(rec.one("kubernetes:apps/v1:DaemonSet", "net-ds")).map((e) => e.rule);
        assert.deepEqual(rules, ["no-host-network", "no-host-path-volumes", "restricted-capabilities", "run-as-non-root", "read-only-root-filesystem"]);
    });

    it("adds the kube-network-policies agent by default and none when networkPolicy is none", () => {
        const ds = rec.ofType("kubernetes:apps/v1:DaemonSet").map((r) => r.name).sort();
        assert.deepEqual(ds, ["net-ds", "net-netpol", "net-none-ds"]);
        const agent = rec.one("kubernetes:apps/v1:DaemonSet", "net-netpol");
        assert.ok(agent.inputs.spec.template.spec.containers[0].args.includes("--fail-open=false"));
        assert.ok(exemptionsOf(agent).some((e) => e.rule === "no-privileged-containers"));
    });

    it("uses the Kubernetes subnet manager and writes nothing to etcd", () => {
        const c = rec.one("kubernetes:apps/v1:DaemonSet", "net-ds").inputs.spec.template.spec.containers[0];
        assert.ok(c.args.includes("--kube-subnet-mgr"));
        assert.deepEqual(c.args.filter((a: string) => a.startsWith("--etcd")), []);
        assert.deepEqual(rec.ofType("kubernetes:batch/v1:Job"), []);
    });

    it("rejects the etcd subnet manager with a ResourceError naming network.subnetManager", () => {
        assert.throws(() => new mod.Flannel("net-etcd", { ...base, subnetManager: "etcd" as "kube" }), /network\.subnetManager "etcd" is not supported: use kube/);
    });

    it("sets cpu and memory requests and limits on every container", () => {
        assert.deepEqual(containersWithoutLimits(rec), []);
    });

    it("rejects an unknown backend with a ResourceError naming backend", () => {
        assert.throws(() => new mod.Flannel("bad", { ...base, backend: { type: "udp" } as any }), /flannel bad: network\.backend\.type "udp" is not supported/);
    });

    it("rejects overlapping pod and service CIDRs", () => {
        assert.throws(() => new mod.Flannel("bad2", { ...base, serviceCidr: "10.244.0.0/20" }), /overlaps network\.serviceCidr/);
    });
});
