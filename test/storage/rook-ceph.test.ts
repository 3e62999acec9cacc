import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder, valueOf } from "../helpers/mocks";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/storage/rook-ceph");
let prod: import("../../components/storage/rook-ceph").RookCeph;
let versions: typeof import("../../components/versions");

const CR = "kubernetes:ceph.rook.io/v1:";

describe("RookCeph", () => {
    before(async () => {
        mod = await import("../../components/storage/rook-ceph");
        versions = await import("../../components/versions");
        new mod.RookCeph("dev", { environment: "dev", namespace: "ceph-dev", operator: { mode: "none" }, installCrds: true, devices: { deviceFilter: "^sdb" } });
        new mod.RookCeph("staging", { environment: "staging", namespace: "ceph-staging", operator: { mode: "external" }, devices: { deviceFilter: "^sdb" } });
        prod = new mod.RookCeph("prod", { environment: "prod", imageMirror: "mirror.local", devices: { nodes: [{ name: "n1", devices: ["sdb"] }] } });
        await rec.settle();
    });

    const spec = (type: string, name: string) => rec.one(type, name).inputs.spec;
    const crdsOf = (prefix: string) => rec.ofType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").filter((r) => r.name.startsWith(`${prefix}-`));

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

    it("runs every Ceph daemon on the storage nodes in prod, tolerating their taint (and prefers them in dev)", () => {
        const toleration = { key: "containercloud.io/node-role", operator: "Equal", value: "storage", effect: "NoSchedule" };
        const prodAll = spec(`${CR}CephCluster`, "prod-cluster").placement.all;
        assert.deepEqual(prodAll.tolerations, [toleration]);
        assert.deepEqual(prodAll.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
            { matchExpressions: [{ key: "containercloud.io/node-role", operator: "In", values: ["storage"] }] },
        ]);
        const devAll = spec(`${CR}CephCluster`, "dev-cluster").placement.all;
        assert.deepEqual(devAll.tolerations, [toleration]);
        assert.equal(devAll.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0], "storage");
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
        assert.equal(c.version, versions.ROOK_CHART_VERSION);
        assert.deepEqual(c.values.image, { repository: "mirror.local/docker.io/rook/ceph", tag: versions.ROOK_CHART_VERSION });
    });

    it("sets every image the chart deploys through its values, through the mirror (CSI driver, sidecars, CSI operator)", () => {
        const v = rec.one("kubernetes:helm.sh/v4:Chart", "prod-operator").inputs.values;
        const refs = [
            ...Object.values(v.csi as Record<string, { repository: string; tag: string }>),
            v["ceph-csi-operator"].controllerManager.manager.image,
        ].map((i) => `${i.repository}:${i.tag}`).sort();
        const pinned = [
            versions.CEPH_CSI_IMAGE, versions.CSI_NODE_DRIVER_REGISTRAR_IMAGE, versions.CSI_PROVISIONER_IMAGE, versions.CSI_SNAPSHOTTER_IMAGE,
            versions.CSI_ATTACHER_IMAGE, versions.CSI_RESIZER_IMAGE, versions.CSI_ADDONS_IMAGE, versions.ROOK_CSI_OPERATOR_IMAGE,
        ].map((i) => `mirror.local/${i}`).sort();
        assert.deepEqual(refs, pinned);
        assert.ok(refs.includes("mirror.local/registry.k8s.io/sig-storage/csi-provisioner:v6.2.0"), "the source registry stays in the path");
    });

    it("mirrors the Ceph image", () => {
        assert.equal(spec(`${CR}CephCluster`, "prod-cluster").cephVersion.image, `mirror.local/${versions.CEPH_IMAGE}`);
    });

    it("creates no chart and minimal Rook CRDs with no operator, and the snapshot CRD when installCrds is set", () => {
        assert.equal(rec.named("dev-operator").length, 0);
        assert.deepEqual(crdsOf("dev").map((r) => r.inputs.metadata.name).sort(), [
            "cephblockpools.ceph.rook.io", "cephclusters.ceph.rook.io", "cephfilesystems.ceph.rook.io", "cephobjectstores.ceph.rook.io",
            "objectbucketclaims.objectbucket.io", "objectbuckets.objectbucket.io", "volumesnapshotclasses.snapshot.storage.k8s.io",
        ]);
    });

    it("creates none of Rook's CRDs with an external operator (its install owns them) and no chart", () => {
        assert.equal(rec.named("staging-operator").length, 0);
        assert.deepEqual(crdsOf("staging"), []);
        assert.ok(rec.one(`${CR}CephCluster`, "staging-cluster"));
    });

    it("keeps every CRD it creates on delete: a deleted CRD would delete every CephCluster", () => {
        const crds = crdsOf("dev");
        assert.ok(crds.length > 0);
        for (const c of crds) {
            assert.equal(c.retainOnDelete, true, c.name);
        }
    });

    it("exposes the object store endpoint", async () => {
        assert.equal(await valueOf(prod.objectStoreEndpoint), "http://rook-ceph-rgw-objects.rook-ceph.svc:80");
    });

    it("rejects two monitors naming storage.mon.count", () => {
        assert.throws(() => new mod.RookCeph("bad", { environment: "prod", monCount: 2, devices: { deviceFilter: "x" } }), /rook-ceph bad: storage\.mon\.count must be odd \(got 2\)/);
    });
});
