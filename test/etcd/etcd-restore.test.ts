import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { memberRestorePod, parseInitialCluster, snapshotCheckPod, snapshotCheckScript, memberRestoreScript } from "../../components/etcd/etcd-restore";
import { initialCluster } from "../../components/etcd/etcd-config";

const topo = { statefulSet: "etcd", peerService: "etcd-peer", clientService: "etcd-client", namespace: "etcd", clusterDomain: "cluster.local", replicas: 3 };
const images = { etcd: "quay.io/coreos/etcd:v3.6.16", busybox: "docker.io/library/busybox:1.37.0" };

describe("parseInitialCluster", () => {
    it("reads back the members of initialCluster()", () => {
        const members = parseInitialCluster(initialCluster(topo));
        assert.deepEqual(members.map((m) => m.name), ["etcd-0", "etcd-1", "etcd-2"]);
        assert.equal(members[1].peerUrl, "https://etcd-1.etcd-peer.etcd.svc.cluster.local:2380");
    });
});

describe("restore pods", () => {
    const member = parseInitialCluster(initialCluster(topo))[2];
    const pod = memberRestorePod("etcd-restore-etcd-2", "etcd", images, { member, snapshot: "snapshot-20261203T120000Z.db", initialCluster: initialCluster(topo), token: "etcd-etcd-restored-x" }) as any;

    it("restores a member into its own PVC from the backup PVC, read-only", () => {
        const claims = Object.fromEntries(pod.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => [v.name, v.persistentVolumeClaim]));
        assert.deepEqual(claims, { backups: { claimName: "etcd-backups", readOnly: true }, data: { claimName: "data-etcd-2" } });
        assert.equal(pod.spec.restartPolicy, "Never");
    });

    it("passes the member, its peer URL, the whole initial cluster and a new token to etcdutl", () => {
        const env = Object.fromEntries(pod.spec.containers[0].env.map((e: any) => [e.name, e.value]));
        assert.deepEqual(env, {
            SNAPSHOT: "snapshot-20261203T120000Z.db", MEMBER: "etcd-2", PEER_URL: "https://etcd-2.etcd-peer.etcd.svc.cluster.local:2380",
            INITIAL_CLUSTER: initialCluster(topo), TOKEN: "etcd-etcd-restored-x",
        });
        const script = pod.spec.containers[0].command[3];
        assert.equal(script, memberRestoreScript());
        assert.match(script, /^rm -rf \/var\/run\/etcd\/default\.etcd$/m);
        assert.match(script, /etcdutl snapshot restore "\/backups\/\$SNAPSHOT" --name "\$MEMBER" --data-dir \/var\/run\/etcd\/default\.etcd/);
        assert.match(script, /--initial-cluster "\$INITIAL_CLUSTER" --initial-cluster-token "\$TOKEN" --initial-advertise-peer-urls "\$PEER_URL"/);
    });

    it("runs as the etcd user under the restricted profile, with busybox's shell copied in", () => {
        assert.deepEqual([pod.spec.securityContext.runAsUser, pod.spec.securityContext.runAsNonRoot], [1000, true]);
        assert.deepEqual(pod.spec.containers[0].securityContext.capabilities, { drop: ["ALL"] });
        assert.deepEqual(pod.spec.initContainers.map((c: any) => c.image), [images.busybox]);
    });

    it("checks the snapshot it picks (the newest for `latest`) and names it", () => {
        const check = snapshotCheckPod("etcd-restore-check", "etcd", images, "latest") as any;
        assert.equal(check.spec.volumes.some((v: any) => v.name === "data"), false);
        assert.equal(check.spec.containers[0].command[3], snapshotCheckScript());
        assert.match(snapshotCheckScript(), /ls -1t \/backups\/snapshot-\*\.db/);
        assert.match(snapshotCheckScript(), /etcdutl snapshot status "\/backups\/\$snap" -w table/);
        assert.match(snapshotCheckScript(), /^echo "snapshot: \$snap"$/m);
    });
});
