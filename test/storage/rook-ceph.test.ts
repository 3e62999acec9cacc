import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder, valueOf } from "../helpers/mocks";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/storage/rook-ceph");
let prod: import("../../components/storage/rook-ceph").RookCeph;

const CR = "kubernetes:ceph.rook.io/v1:";

describe("RookCeph", () => {
    before(async () => {
        mod = await import("../../components/storage/rook-ceph");
        new mod.RookCeph("dev", { environment: "dev", namespace: "ceph-dev", operator: { mode: "external" }, installCrds: true, devices: { deviceFilter: "^sdb" } });
        prod = new mod.RookCeph("prod", { environment: "prod", imageMirror: "mirror.local", devices: { nodes: [{ name: "n1", devices: ["sdb"] }] } });
        await rec.settle();
    });

    const spec = (type: string, name: string) => rec.one(type, name).inputs.spec;

    it("runs one monitor, one manager and several per node in dev", () => {
        const s = spec(`${CR}CephCluster`, "dev-cluster");
        assert.equal(s.mon.count, 1);
        assert.equal(s.mgr.count, 1);
        assert.equal(s.mon.allowMultiplePerNode, true);
    });

    it("runs three monitors and two managers, one per node, in prod", () => {
        const s = spec(`${CR}CephCluster`, "prod-cluster");
        assert.equal(s.mon.count, 3);
        assert.equal(s.mgr.count, 2);
        assert.equal(s.mon.allowMultiplePerNode, false);
    });

    it("keeps one copy of each block in dev and three in prod", () => {
        assert.equal(spec(`${CR}CephBlockPool`, "dev-blockpool").replicated.size, 1);
        assert.equal(spec(`${CR}CephBlockPool`, "prod-blockpool").replicated.size, 3);
    });

    it("deletes volumes with their claims in dev and retains them in prod", () => {
        assert.equal(rec.one("kubernetes:storage.k8s.io/v1:StorageClass", "dev-block").inputs.reclaimPolicy, "Delete");
        assert.equal(rec.one("kubernetes:storage.k8s.io/v1:StorageClass", "prod-block").inputs.reclaimPolicy, "Retain");
    });

    it("makes the expandable block class the default", () => {
        const sc = rec.one("kubernetes:storage.k8s.io/v1:StorageClass", "prod-block").inputs;
        assert.equal(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
        assert.equal(sc.allowVolumeExpansion, true);
        assert.equal(sc.provisioner, "rook-ceph.rbd.csi.ceph.com");
    });

    it("offers an RWX CephFS class and a bucket class", () => {
        assert.equal(rec.one("kubernetes:storage.k8s.io/v1:StorageClass", "prod-filesystem").inputs.provisioner, "rook-ceph.cephfs.csi.ceph.com");
        assert.equal(rec.one("kubernetes:storage.k8s.io/v1:StorageClass", "prod-bucket").inputs.provisioner, "rook-ceph.ceph.rook.io/bucket");
    });

    it("creates a VolumeSnapshotClass for the RBD driver", () => {
        const v = rec.one("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass", "prod-snapshot-class").inputs;
        assert.equal(v.driver, "rook-ceph.rbd.csi.ceph.com");
    });

    it("installs the operator with a pinned chart and a mirrored image in helm mode", () => {
        const c = rec.one("kubernetes:helm.sh/v4:Chart", "prod-operator").inputs;
        assert.equal(c.version, "v1.17.2");
        assert.equal(c.values.image.repository, "mirror.local/docker.io/rook/ceph");
    });

    it("mirrors the Ceph image", () => {
        assert.equal(spec(`${CR}CephCluster`, "prod-cluster").cephVersion.image, "mirror.local/quay.io/ceph/ceph:v19.2.2");
    });

    it("creates no chart in external mode but the CRDs when installCrds is set", () => {
        assert.equal(rec.named("dev-operator").length, 0);
        const crds = rec.ofType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").map((r) => r.inputs.metadata.name).sort();
        assert.deepEqual(crds, [
            "cephblockpools.ceph.rook.io", "cephclusters.ceph.rook.io", "cephfilesystems.ceph.rook.io", "cephobjectstores.ceph.rook.io",
            "objectbucketclaims.objectbucket.io", "objectbuckets.objectbucket.io", "volumesnapshotclasses.snapshot.storage.k8s.io",
        ]);
    });

    it("exposes the object store endpoint", async () => {
        assert.equal(await valueOf(prod.objectStoreEndpoint), "http://rook-ceph-rgw-objects.rook-ceph.svc:80");
    });

    it("rejects two monitors naming storage.mon.count", () => {
        assert.throws(() => new mod.RookCeph("bad", { environment: "prod", monCount: 2, devices: { deviceFilter: "x" } }), /rook-ceph bad: storage\.mon\.count must be odd \(got 2\)/);
    });
});
