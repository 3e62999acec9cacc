import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cephMonCountOdd, cephPoolReplication, etcdOddMembers } from "../../policies/rules";
import { checkStack, stackResource } from "./harness";
import { deployment, T, workload } from "./fixtures";

const etcd = (replicas: number, labels: Record<string, string> = { "app.kubernetes.io/name": "etcd" }) =>
    stackResource(T.statefulSet, workload(T.statefulSet, { name: "etcd", namespace: "etcd", replicas, labels }));

describe("etcd-odd-members", () => {
    const policy = etcdOddMembers();

    it("passes 1, 3 and 5 members", async () => {
        for (const n of [1, 3, 5]) {
            assert.deepEqual((await checkStack(policy, [etcd(n)])).messages, []);
        }
    });

    it("fails an even member count", async () => {
        const sts = etcd(4);
        const out = await checkStack(policy, [sts]);
        assert.deepEqual(out.messages, [`StatefulSet "etcd" runs 4 etcd members; an etcd quorum needs an odd count (3 or 5)`]);
        assert.equal(out.reports[0].urn, sts.urn);
    });

    it("recognises etcd by the component label too", async () => {
        assert.equal((await checkStack(policy, [etcd(2, { "app.kubernetes.io/component": "etcd", app: "config" })])).messages.length, 1);
    });

    it("reports at the configured level", async () => {
        assert.equal((await checkStack(policy, [etcd(2)], { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable without an etcd StatefulSet", async () => {
        const other = stackResource(T.statefulSet, workload(T.statefulSet, { replicas: 2 }));
        assert.ok((await checkStack(policy, [other, stackResource(T.deployment, deployment())])).notApplicable);
    });
});

const cephCluster = (count?: number) => stackResource(T.cephCluster, {
    apiVersion: "ceph.rook.io/v1", kind: "CephCluster", metadata: { name: "ceph", namespace: "rook-ceph" },
    spec: count === undefined ? {} : { mon: { count, allowMultiplePerNode: false } },
});

describe("ceph-mon-count-odd", () => {
    const policy = cephMonCountOdd();

    it("passes three monitors, and Rook's default of three when unset", async () => {
        assert.deepEqual((await checkStack(policy, [cephCluster(3)])).messages, []);
        assert.deepEqual((await checkStack(policy, [cephCluster()])).messages, []);
    });

    it("fails an even monitor count", async () => {
        assert.deepEqual((await checkStack(policy, [cephCluster(2)])).messages, [`CephCluster "ceph" runs 2 Ceph monitors; set spec.mon.count to an odd number (3 or 5)`]);
    });

    it("reports at the configured level", async () => {
        assert.equal((await checkStack(policy, [cephCluster(4)], { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable without a CephCluster", async () => {
        assert.ok((await checkStack(policy, [stackResource(T.deployment, deployment())])).notApplicable);
    });
});

const pool = (size?: number) => stackResource(T.cephBlockPool, {
    metadata: { name: "replicapool", namespace: "rook-ceph" },
    spec: { failureDomain: "host", ...(size === undefined ? {} : { replicated: { size } }) },
});

describe("ceph-pool-replication", () => {
    const policy = cephPoolReplication();

    it("passes three replicas by default", async () => {
        assert.deepEqual((await checkStack(policy, [pool(3)])).messages, []);
    });

    it("fails fewer replicas than the minimum", async () => {
        const p = pool(2);
        const out = await checkStack(policy, [p]);
        assert.deepEqual(out.messages, [`CephBlockPool "replicapool": spec.replicated.size is 2; it must be at least 3`]);
        assert.equal(out.reports[0].urn, p.urn);
    });

    it("fails a pool without a replicated size", async () => {
        assert.deepEqual((await checkStack(policy, [pool()])).messages, [`CephBlockPool "replicapool": spec.replicated.size is unset; it must be at least 3`]);
    });

    it("checks every pool of a CephFilesystem and skips erasure-coded ones", async () => {
        const fs = stackResource(T.cephFilesystem, {
            metadata: { name: "shared", namespace: "rook-ceph" },
            spec: { metadataPool: { replicated: { size: 3 } }, dataPools: [{ replicated: { size: 1 } }, { erasureCoded: { dataChunks: 2, codingChunks: 1 } }] },
        });
        assert.deepEqual((await checkStack(policy, [fs])).messages, [`CephFilesystem "shared": spec.dataPools[0].replicated.size is 1; it must be at least 3`]);
    });

    it("takes minReplication from config (1 in dev)", async () => {
        assert.deepEqual((await checkStack(policy, [pool(1)], { config: { minReplication: 1 } })).messages, []);
    });

    it("is not applicable without Ceph pools", async () => {
        assert.ok((await checkStack(policy, [cephCluster(3)])).notApplicable);
    });
});
