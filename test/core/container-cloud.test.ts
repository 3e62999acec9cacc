import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder, valueOf } from "../helpers/mocks";
import { containersWithoutLimits, jobPodsSelectedByServices, podSpecOf, workloads } from "../helpers/workloads";

const rec: Recorder = recordRegistrations();
let platform: typeof import("../../stacks/platform");
let config: typeof import("../../stacks/config");
let prodCloud: import("../../components/container-cloud").ContainerCloud;

function parse(raw: Record<string, unknown>) {
    const r = config.parsePlatformConfig(raw);
    if (!r.ok) {
        throw new Error(r.issues.map(config.formatIssue).join("\n"));
    }
    return r.config;
}

describe("ContainerCloud infrastructure wiring", () => {
    before(async () => {
        platform = await import("../../stacks/platform");
        config = await import("../../stacks/config");
        const prod = parse({ environment: "prod", imageMirror: "mirror.example.com:5000", tenancy: { teams: { shop: { namespaces: ["shop"] }, data: { namespaces: ["data-jobs"] } } } });
        prodCloud = platform.buildPlatform(prod).cloud;
        await rec.settle();
    });

    it("creates Flannel, Rook/Ceph, etcd and the registry as children of the cloud", () => {
        const kids = rec.childrenOf("platform").filter((r) => r.type.startsWith("containercloud:")).map((r) => r.type).sort();
        for (const t of ["containercloud:etcd:EtcdCluster", "containercloud:network:Flannel", "containercloud:registry:Registry", "containercloud:storage:RookCeph"]) {
            assert.ok(kids.includes(t), t);
        }
    });

    it("puts etcd's data volumes on the Ceph block class", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "platform-etcd");
        assert.equal(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName, "ceph-block");
        assert.equal(sts.inputs.spec.replicas, 3);
    });

    it("stores prod registry blobs in a bucket on the Ceph bucket class", () => {
        const obc = rec.one("kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim", "platform-registry-bucket");
        assert.equal(obc.inputs.spec.storageClassName, "ceph-bucket");
    });

    it("fills the platform context with the Rook storage classes and the registry", async () => {
        const ctx = prodCloud.context;
        assert.equal(await valueOf(ctx.storage.blockStorageClass), "ceph-block");
        assert.equal(await valueOf(ctx.storage.objectStoreEndpoint), "http://rook-ceph-rgw-objects.rook-ceph.svc:80");
        assert.equal(await valueOf(ctx.registry!.host), "registry.containercloud.example.com");
        assert.ok(ctx.dependsOn.length > 0);
    });

    it("gives tenant namespaces the registry pull secret", () => {
        assert.equal(rec.one("kubernetes:core/v1:Secret", "platform-tenant-shop-registry-pull").inputs.type, "kubernetes.io/dockerconfigjson");
    });

    it("rewrites every workload image to the mirror", () => {
        const images = workloads(rec).flatMap((w) => {
            const spec = podSpecOf(w) ?? {};
            return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: any) => c.image);
        });
        assert.ok(images.length > 5);
        assert.deepEqual(images.filter((i) => !i.startsWith("mirror.example.com:5000/")), []);
    });

    it("sets cpu and memory requests and limits on every container it creates", () => {
        assert.deepEqual(containersWithoutLimits(rec), []);
    });

    it("gives no Service a Job's pods to route to (Pulumi's Service await would wait forever)", () => {
        assert.ok(rec.ofType("kubernetes:batch/v1:Job").length > 0 && rec.ofType("kubernetes:core/v1:Service").length > 0);
        assert.deepEqual(jobPodsSelectedByServices(rec), []);
    });

    it("rejects the etcd subnet manager, naming network.subnetManager, even with etcd on", async () => {
        const { ContainerCloud } = await import("../../components/container-cloud");
        assert.throws(() => new ContainerCloud("bad", {
            environment: "dev", domain: "x.example.com", teams: {},
            tenantLimits: { defaultRequest: { cpu: "1", memory: "1Gi" }, default: { cpu: "1", memory: "1Gi" }, max: { cpu: "1", memory: "1Gi" } },
            // not in the type any more: a JavaScript caller or an old config could still pass it
            network: { enabled: true, podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", subnetManager: "etcd" as "kube" },
            etcd: { enabled: true },
        }), /network\.subnetManager "etcd" is not supported: use kube\. Flannel's etcd store cannot use the platform's etcd/);
    });
});

describe("etcd snapshots off the cluster", () => {
    it("sends prod's etcd snapshots to a bucket claimed on Rook's bucket class", () => {
        const obc = rec.ofType("kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim").find((r) => r.parentType === "containercloud:etcd:EtcdCluster");
        assert.ok(obc, "no ObjectBucketClaim under the EtcdCluster");
        assert.equal(obc.inputs.metadata.name, "etcd-backups");
        assert.equal(obc.inputs.spec.storageClassName, "ceph-bucket");
        const cron = rec.ofType("kubernetes:batch/v1:CronJob").find((r) => r.inputs.metadata.name === "etcd-backup")!;
        assert.deepEqual(cron.inputs.spec.jobTemplate.spec.template.spec.containers.map((c: any) => [c.name, c.image]), [["upload", "mirror.example.com:5000/docker.io/amazon/aws-cli:2.38.4"]]);
    });

    it("rejects etcd.backup.objectStore without storage, naming both fields", async () => {
        const { ContainerCloud } = await import("../../components/container-cloud");
        assert.throws(() => new ContainerCloud("no-bucket", {
            environment: "dev", domain: "x.example.com", teams: {},
            tenantLimits: { defaultRequest: { cpu: "1", memory: "1Gi" }, default: { cpu: "1", memory: "1Gi" }, max: { cpu: "1", memory: "1Gi" } },
            etcd: { enabled: true, backup: { objectStore: true } },
        }), { message: "etcd.backup.objectStore is true but storage.enabled is false: the bucket comes from the Ceph object store; set etcd.backup.objectStore to false" });
    });

    it("keeps local's and dev's snapshots on the PVC (no object store) and sends staging's and prod's off the cluster", () => {
        const off = ["local", "dev", "staging", "prod"].map((environment) => platform.infraArgs(parse({ environment })).etcd!.backup!.objectStore);
        assert.deepEqual(off, [false, false, true, true]);
    });
});

describe("infra config profiles", () => {
    it("runs no operator in local, with minimal CRDs", () => {
        const a = platform.infraArgs(parse({ environment: "local" }));
        assert.deepEqual(a.storage!.operator, { mode: "none" });
        assert.equal(a.storage!.installCrds, true);
    });

    it("sizes dev small and prod highly available", () => {
        const dev = platform.infraArgs(parse({ environment: "dev" }));
        const prod = platform.infraArgs(parse({ environment: "prod" }));
        assert.deepEqual([dev.etcd!.replicas, dev.storage!.monCount, dev.storage!.replicas, dev.registry!.replicas], [1, 1, 1, 1]);
        assert.deepEqual([prod.etcd!.replicas, prod.storage!.monCount, prod.storage!.replicas, prod.registry!.replicas], [3, 3, 3, 2]);
    });

    it("keeps registry blobs on a PVC in dev and in the object store in prod", () => {
        assert.equal(platform.infraArgs(parse({ environment: "dev" })).registry!.storage, "filesystem");
        assert.equal(platform.infraArgs(parse({ environment: "prod" })).registry!.storage, "s3");
    });

    it("lets a stack switch the operator mode without keeping the profile's keys", () => {
        const a = platform.infraArgs(parse({ environment: "local", storage: { operator: { mode: "helm", chartRepo: "https://charts.example.com/rook" } } }));
        assert.deepEqual(a.storage!.operator, { mode: "helm", chartRepo: "https://charts.example.com/rook" });
    });

    it("reports an even etcd member count as a config issue", () => {
        const r = config.parsePlatformConfig({ environment: "prod", etcd: { replicas: 4 } });
        assert.equal(r.ok, false);
        assert.ok(!r.ok && r.issues.some((i) => i.path === "containercloud:etcd.replicas"));
    });

    it("switches the Flannel backend with the stack file", () => {
        const a = platform.infraArgs(parse({ environment: "dev", network: { backend: { type: "wireguard" } } }));
        assert.deepEqual(a.network!.backend, { type: "wireguard" });
    });
});
