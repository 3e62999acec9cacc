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

    it("builds the initial cluster from the 3 stable member names in prod", () => {
        const args: string[] = sts("prod-etcd").spec.template.spec.containers[0].args;
        const ic = args.find((a) => a.startsWith("--initial-cluster="))!;
        assert.equal(ic.split(",").length, 3);
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

    it("rejects an even member count naming etcd.replicas", () => {
        assert.throws(() => new mod.EtcdCluster("even", { environment: "prod", replicas: 4 }), {
            message: "etcd replicas must be odd (got 4): set etcd.replicas to 3 or 5",
        });
    });
});
