import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { containersWithoutLimits } from "../helpers/workloads";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/etcd/etcd-cluster");

describe("EtcdCluster", () => {
    before(async () => {
        mod = await import("../../components/etcd/etcd-cluster");
        new mod.EtcdCluster("prod-etcd", { environment: "prod", namespace: "etcd", storageClass: "ceph-block" });
        new mod.EtcdCluster("dev-etcd", { environment: "dev", namespace: "etcd-dev" });
        new mod.EtcdCluster("five-etcd", { environment: "prod", namespace: "etcd", storageClass: "ceph-block", replicas: 5 });
        new mod.EtcdCluster("s3-etcd", { environment: "staging", namespace: "etcd-s3", backup: { objectStore: { bucketStorageClass: "ceph-bucket" } } });
        await rec.settle();
    });

    const sts = (n: string) => rec.one("kubernetes:apps/v1:StatefulSet", n).inputs;

    it("runs 3 members in prod and 1 in dev", () => {
        assert.equal(sts("prod-etcd").spec.replicas, 3);
        assert.equal(sts("dev-etcd").spec.replicas, 1);
    });

    it("starts members in parallel", () => {
        assert.equal(sts("prod-etcd").spec.podManagementPolicy, "Parallel");
    });

    it("probes liveness by a local read (/livez) and readiness by a quorum read (/readyz)", () => {
        const c = sts("prod-etcd").spec.template.spec.containers[0];
        assert.deepEqual([c.startupProbe.httpGet.path, c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path], ["/livez", "/livez", "/readyz"]);
        assert.equal(c.readinessProbe.httpGet.port, c.ports.find((p: any) => p.name === "metrics").containerPort);
    });

    it("serves TLS on both the client and peer ports", () => {
        const args: string[] = sts("prod-etcd").spec.template.spec.containers[0].args;
        assert.ok(args.includes("--listen-client-urls=https://0.0.0.0:2379"));
        assert.ok(args.includes("--listen-peer-urls=https://0.0.0.0:2380"));
        assert.ok(args.includes("--peer-client-cert-auth=true"));
    });

    it("puts the 3 stable member names of the initial cluster in the bootstrap ConfigMap in prod, not in the pod template", () => {
        const cm = rec.one("kubernetes:core/v1:ConfigMap", "prod-etcd-bootstrap").inputs;
        assert.equal(cm.metadata.name, "etcd-bootstrap");
        assert.equal(cm.data["initial-cluster"].split(",").length, 3);
        const c = sts("prod-etcd").spec.template.spec.containers[0];
        assert.equal(c.args.find((a: string) => a.startsWith("--initial-cluster=")), undefined);
        assert.deepEqual(c.env.find((e: any) => e.name === "BOOTSTRAP_CLUSTER").valueFrom, { configMapKeyRef: { name: "etcd-bootstrap", key: "initial-cluster" } });
    });

    it("keeps a quorum of 2 of 3 with the PodDisruptionBudget in prod", () => {
        assert.equal(rec.one("kubernetes:policy/v1:PodDisruptionBudget", "prod-etcd-pdb").inputs.spec.minAvailable, 2);
    });

    it("creates no PodDisruptionBudget for a single member", () => {
        assert.equal(rec.named("dev-etcd-pdb").length, 0);
    });

    it("requires members on different hosts in prod and only prefers it in dev", () => {
        const prodAff = sts("prod-etcd").spec.template.spec.affinity.podAntiAffinity;
        assert.equal(prodAff.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
        const devAff = sts("dev-etcd").spec.template.spec.affinity.podAntiAffinity;
        assert.equal(devAff.requiredDuringSchedulingIgnoredDuringExecution, undefined);
        assert.ok(devAff.preferredDuringSchedulingIgnoredDuringExecution);
    });

    it("claims data volumes on the block storage class it is given", () => {
        assert.equal(sts("prod-etcd").spec.volumeClaimTemplates[0].spec.storageClassName, "ceph-block");
    });

    it("is governed by a headless Service that exists in its namespace and selects its pods", () => {
        for (const n of ["prod-etcd", "dev-etcd"]) {
            const set = sts(n);
            const svc = rec.one("kubernetes:core/v1:Service", `${n}-peer`).inputs;
            assert.equal(set.spec.serviceName, svc.metadata.name);
            assert.equal(svc.metadata.namespace, set.metadata.namespace);
            assert.equal(svc.spec.clusterIP, "None");
            for (const [key, value] of Object.entries(svc.spec.selector)) {
                assert.equal(set.spec.template.metadata.labels[key], value);
            }
        }
    });

    it("prefers storage nodes, tolerating their taint, and spreads members over hosts", () => {
        const pod = sts("prod-etcd").spec.template.spec;
        const pref = pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0];
        assert.deepEqual(pref, { key: "containercloud.io/node-role", operator: "In", values: ["storage"] });
        assert.equal(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, undefined);
        assert.deepEqual(pod.tolerations, [{ key: "containercloud.io/node-role", operator: "Equal", value: "storage", effect: "NoSchedule" }]);
        assert.ok(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
    });

    it("publishes not-ready peers on the headless Service", () => {
        const svc = rec.one("kubernetes:core/v1:Service", "prod-etcd-peer").inputs.spec;
        assert.equal(svc.clusterIP, "None");
        assert.equal(svc.publishNotReadyAddresses, true);
    });

    it("generates the CA, certificates and root password as dynamic secrets", () => {
        const dyn = rec.all.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic") && r.parentName === "prod-etcd").map((r) => r.name).sort();
        assert.deepEqual(dyn, ["prod-etcd-ca", "prod-etcd-client-cert", "prod-etcd-root-password", "prod-etcd-server-cert"]);
    });

    it("enables auth with a Job whose script runs in the etcd image with busybox's shell", () => {
        const pod = rec.one("kubernetes:batch/v1:Job", "prod-etcd-enable-auth").inputs.spec.template.spec;
        const c = pod.containers[0];
        assert.equal(c.image, "quay.io/coreos/etcd:v3.6.16");
        assert.deepEqual(c.command.slice(0, 3), ["/shell/busybox", "sh", "-ec"]);
        assert.match(c.command[3], /etcdctl auth enable/);
        assert.deepEqual(pod.initContainers.map((i: any) => [i.image, i.command.join(" ")]), [["docker.io/library/busybox:1.37.0", "cp /bin/busybox /shell/busybox"]]);
    });

    it("backs up to a PVC on a schedule and defragments weekly", () => {
        const b = rec.one("kubernetes:batch/v1:CronJob", "prod-etcd-backup").inputs.spec;
        assert.equal(b.schedule, "0 */2 * * *");
        const backups = b.jobTemplate.spec.template.spec.volumes.find((v: any) => v.name === "backups");
        assert.equal(backups.persistentVolumeClaim.claimName, "etcd-backups");
        assert.equal(b.jobTemplate.spec.template.spec.containers[0].image, "quay.io/coreos/etcd:v3.6.16");
        const d = rec.one("kubernetes:batch/v1:CronJob", "prod-etcd-defrag").inputs.spec;
        assert.deepEqual(d.jobTemplate.spec.template.spec.containers[0].args.slice(0, 2), ["defrag", "--cluster"]);
    });

    it("lets a missed backup or defrag start late by half its period at most (an hour for both)", () => {
        assert.equal(rec.one("kubernetes:batch/v1:CronJob", "prod-etcd-backup").inputs.spec.startingDeadlineSeconds, 3600);
        assert.equal(rec.one("kubernetes:batch/v1:CronJob", "prod-etcd-defrag").inputs.spec.startingDeadlineSeconds, 3600);
    });

    it("sets cpu and memory requests and limits on every container", () => {
        assert.deepEqual(containersWithoutLimits(rec), []);
    });

    it("starts each member through the start script in the etcd image, with busybox's shell and the root password", () => {
        const pod = sts("prod-etcd").spec.template.spec;
        assert.deepEqual(pod.initContainers.map((i: any) => i.name), ["copy-shell"]);
        const c = pod.containers[0];
        assert.deepEqual(c.command.slice(0, 3), ["/shell/busybox", "sh", "-ec"]);
        assert.match(c.command[3], /--initial-cluster-state=new/);
        assert.match(c.command[3], /member add "\$POD_NAME" --peer-urls="\$self"/);
        assert.match(c.command[3], /--initial-cluster-state=existing/);
        assert.equal(c.command[4], "etcd-start");
        assert.deepEqual(c.env.find((e: any) => e.name === "ROOT_PASSWORD").valueFrom, { secretKeyRef: { name: "etcd-root-password", key: "password" } });
        assert.equal(c.args.find((a: string) => a.startsWith("--initial-cluster-state")), undefined);
    });

    it("renders the same pod template for 3 and 5 members, so a scale rolls no running member", () => {
        assert.equal(sts("five-etcd").spec.replicas, 5);
        // the server TLS Secret is auto-named after each cluster's Pulumi name: the one difference
        const norm = (n: string) => JSON.parse(JSON.stringify(sts(n).spec.template).replace(new RegExp(`${n}-server-tls-[0-9a-f]+`, "g"), "SERVER-TLS"));
        assert.deepEqual(norm("five-etcd"), norm("prod-etcd"));
        assert.equal(rec.one("kubernetes:core/v1:ConfigMap", "five-etcd-bootstrap").inputs.data["initial-cluster"].split(",").length, 5);
    });

    it("deletes a scaled-away member's PVC and keeps every PVC when the StatefulSet is deleted", () => {
        assert.deepEqual(sts("prod-etcd").spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Delete" });
    });

    it("removes members at or above the declared count with a Job that carries the count", () => {
        for (const [n, count] of [["prod-etcd", "3"], ["five-etcd", "5"]]) {
            const job = rec.one("kubernetes:batch/v1:Job", `${n}-remove-members`).inputs;
            assert.equal(job.metadata.name, "etcd-remove-members");
            const c = job.spec.template.spec.containers[0];
            assert.equal(c.env.find((e: any) => e.name === "REPLICAS").value, count);
            assert.match(c.command[3], /member remove "\$id"/);
        }
    });

    it("keeps snapshots on the PVC only unless an object store is given", () => {
        const spec = rec.one("kubernetes:batch/v1:CronJob", "prod-etcd-backup").inputs.spec.jobTemplate.spec.template.spec;
        assert.deepEqual(spec.containers.map((c: any) => c.name), ["snapshot"]);
        assert.equal(rec.named("prod-etcd-backup-bucket").length, 0);
    });

    it("with an object store, claims a bucket and uploads each snapshot after taking it", () => {
        const obc = rec.one("kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim", "s3-etcd-backup-bucket").inputs;
        assert.deepEqual([obc.metadata.name, obc.metadata.namespace, obc.spec.storageClassName], ["etcd-backups", "etcd-s3", "ceph-bucket"]);
        const spec = rec.one("kubernetes:batch/v1:CronJob", "s3-etcd-backup").inputs.spec.jobTemplate.spec.template.spec;
        assert.deepEqual(spec.initContainers.map((c: any) => c.name), ["copy-shell", "snapshot"]);
        const up = spec.containers[0];
        assert.deepEqual([up.name, up.image], ["upload", "docker.io/amazon/aws-cli:2.38.4"]);
        const env = Object.fromEntries(up.env.map((e: any) => [e.name, e.valueFrom?.configMapKeyRef?.name ?? e.valueFrom?.secretKeyRef?.name ?? e.value]));
        assert.deepEqual(env, { BUCKET_HOST: "etcd-backups", BUCKET_PORT: "etcd-backups", BUCKET_NAME: "etcd-backups", AWS_ACCESS_KEY_ID: "etcd-backups", AWS_SECRET_ACCESS_KEY: "etcd-backups", AWS_DEFAULT_REGION: "us-east-1", HOME: "/tmp" });
        assert.match(up.command[2], /s3 cp "\$snap" "s3:\/\/\$\{BUCKET_NAME\}\/etcd\/\$\(basename "\$snap"\)"/);
        assert.match(up.command[2], /tail -n \+8/);
        assert.equal(up.securityContext.readOnlyRootFilesystem, true);
    });

    it("rejects an even member count naming etcd.replicas", () => {
        assert.throws(() => new mod.EtcdCluster("even", { environment: "prod", replicas: 4 }), {
            message: "etcd replicas must be odd (got 4): set etcd.replicas to 3 or 5",
        });
    });
});
