import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { minimalCrd, rbdStorageClassParameters, renderCephClusterSpec, renderFilesystemSpec, renderReplicatedPool, validateCephOptions } from "../../components/storage/ceph-specs";
import { splitTag } from "../../components/storage/rook-ceph";
import { resources } from "../../components/core/resources";

const r = resources("100m", "128Mi", "1", "1Gi");
const base = { cephImage: "quay.io/ceph/ceph:v19.2.2", monCount: 3, mgrCount: 2, allowMultiplePerNode: false, dashboard: true, resources: { mon: r, mgr: r, osd: r } };

describe("validateCephOptions", () => {
    const ok = { monCount: 3, mgrCount: 2, poolSize: 3, devices: { deviceFilter: "^sdb" } };

    it("names storage.mon.count for an even monitor count", () => {
        assert.match(validateCephOptions({ ...ok, monCount: 2 })!, /^storage\.mon\.count must be odd \(got 2\)/);
    });

    it("requires an explicit device selection", () => {
        assert.match(validateCephOptions({ ...ok, devices: {} })!, /^storage\.devices: set deviceFilter or nodes/);
    });

    it("rejects three managers", () => {
        assert.equal(validateCephOptions({ ...ok, mgrCount: 3 }), "storage.mgr.count must be 1 or 2 (got 3)");
    });
});

describe("renderCephClusterSpec", () => {
    it("uses a device filter and never all devices", () => {
        const s: any = renderCephClusterSpec({ ...base, devices: { deviceFilter: "^sd[b-c]" } });
        assert.deepEqual(s.storage, { useAllNodes: true, useAllDevices: false, deviceFilter: "^sd[b-c]" });
    });

    it("lists explicit nodes and devices", () => {
        const s: any = renderCephClusterSpec({ ...base, devices: { nodes: [{ name: "n1", devices: ["sdb"] }] } });
        assert.deepEqual(s.storage.nodes, [{ name: "n1", devices: [{ name: "sdb" }] }]);
        assert.equal(s.storage.useAllNodes, false);
    });

    it("pins the Ceph image and enables the dashboard", () => {
        const s: any = renderCephClusterSpec({ ...base, devices: { deviceFilter: "x" } });
        assert.equal(s.cephVersion.image, "quay.io/ceph/ceph:v19.2.2");
        assert.equal(s.dashboard.enabled, true);
    });
});

describe("pool renderers", () => {
    it("puts each replica on a different host", () => {
        assert.deepEqual(renderReplicatedPool(3), { failureDomain: "host", replicated: { size: 3, requireSafeReplicaSize: true } });
    });

    it("allows a single unsafe replica for dev", () => {
        assert.equal((renderReplicatedPool(1) as any).replicated.requireSafeReplicaSize, false);
    });

    it("names the filesystem data pool replicated, matching the StorageClass pool", () => {
        assert.equal((renderFilesystemSpec(3, true) as any).dataPools[0].name, "replicated");
    });
});

describe("rbdStorageClassParameters", () => {
    it("points the CSI secrets at the cluster namespace", () => {
        const p = rbdStorageClassParameters("rook-ceph", "replicapool");
        assert.equal(p.clusterID, "rook-ceph");
        assert.equal(p["csi.storage.k8s.io/node-stage-secret-namespace"], "rook-ceph");
    });
});

describe("minimalCrd", () => {
    it("accepts any fields and has a status subresource", () => {
        const c = minimalCrd({ group: "ceph.rook.io", version: "v1", kind: "CephCluster", plural: "cephclusters", scope: "Namespaced" });
        assert.equal(c.metadata.name, "cephclusters.ceph.rook.io");
        assert.equal(c.spec.versions[0].schema.openAPIV3Schema["x-kubernetes-preserve-unknown-fields"], true);
        assert.deepEqual(c.spec.versions[0].subresources, { status: {} });
    });
});

describe("splitTag", () => {
    it("splits a registry with a port from the tag", () => {
        assert.deepEqual(splitTag("mirror:5000/rook/ceph:v1.17.2"), { repository: "mirror:5000/rook/ceph", tag: "v1.17.2" });
    });
});
