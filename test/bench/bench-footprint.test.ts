import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpuMillis, footprintGroup, footprintOf, memoryBytes, parseQuantity, podFootprint, sumQuantities } from "../../scripts/lib/bench-footprint";

const container = (cpuReq: string, memReq: string, cpuLim: string, memLim: string) => ({
    resources: { requests: { cpu: cpuReq, memory: memReq }, limits: { cpu: cpuLim, memory: memLim } },
});

describe("quantities", () => {
    it("parses CPU in millicores from milli, whole and fractional cores", () => {
        assert.deepEqual(["250m", "2", "0.5", "1.5"].map(cpuMillis), [250, 2000, 500, 1500]);
    });

    it("parses memory in bytes from binary, decimal and exponent forms", () => {
        assert.deepEqual(["128Mi", "1Gi", "1.5Gi", "500M", "1e3", "64"].map(memoryBytes), [134217728, 1073741824, 1610612736, 500000000, 1000, 64]);
    });

    it("accepts numbers as they come out of YAML", () => {
        assert.equal(cpuMillis(2), 2000);
        assert.equal(parseQuantity(512), 512);
    });

    it("sums mixed units", () => {
        assert.equal(sumQuantities(["1Gi", "512Mi", 1024]), 2 ** 30 + 2 ** 29 + 1024);
    });

    it("rejects what is not a quantity", () => {
        assert.throws(() => parseQuantity("two cores"), /not a Kubernetes quantity/);
    });
});

describe("podFootprint", () => {
    it("sums containers and init containers and multiplies by the count", () => {
        const f = podFootprint({ containers: [container("100m", "128Mi", "500m", "256Mi")], initContainers: [container("50m", "64Mi", "100m", "64Mi")] }, 3);
        assert.deepEqual(f.requests, { cpuMillis: 450, memoryBytes: 3 * 192 * 2 ** 20 });
        assert.deepEqual(f.limits, { cpuMillis: 1800, memoryBytes: 3 * 320 * 2 ** 20 });
        assert.equal(f.pods, 3);
    });

    it("counts containers without requests or limits as unbounded", () => {
        assert.equal(podFootprint({ containers: [{}] }, 2).unbounded, 2);
    });
});

describe("footprintOf", () => {
    const labels = (component: string) => ({ "app.kubernetes.io/part-of": "containercloud", "app.kubernetes.io/component": component });
    const pod = { containers: [container("100m", "100Mi", "200m", "200Mi")] };
    const objects = [
        { kind: "Deployment", metadata: { name: "a", namespace: "x", labels: labels("router") }, spec: { replicas: 2, template: { spec: pod } } },
        { kind: "StatefulSet", metadata: { name: "b", namespace: "x", labels: labels("etcd") }, spec: { template: { spec: pod } } },
        { kind: "DaemonSet", metadata: { name: "c", namespace: "y", labels: labels("network") }, spec: { template: { spec: pod } } },
        { kind: "CronJob", metadata: { name: "d", namespace: "x" }, spec: { jobTemplate: { spec: { template: { spec: pod } } } } },
        { kind: "ConfigMap", metadata: { name: "e" } },
    ];

    it("multiplies Deployments by replicas (default 1) and DaemonSets by the node count", () => {
        const r = footprintOf(objects, 5);
        assert.equal(r.steady.pods, 2 + 1 + 5);
        assert.equal(r.steady.requests.cpuMillis, 800);
    });

    it("keeps Jobs and CronJobs out of the steady state", () => {
        const r = footprintOf(objects, 1);
        assert.equal(r.transient.requests.cpuMillis, 100);
        assert.equal(r.workloads.CronJob, 1);
    });

    it("groups by part-of/component labels", () => {
        assert.deepEqual(Object.keys(footprintOf(objects, 1).byGroup), ["containercloud/etcd", "containercloud/network", "containercloud/router"]);
    });

    it("falls back to the namespace when there are no labels", () => {
        assert.equal(footprintGroup({ metadata: { namespace: "shop" } }), "ns/shop");
    });
});
