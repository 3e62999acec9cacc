import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { containersWithoutLimits } from "../helpers/workloads";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/registry/registry");

describe("Registry", () => {
    before(async () => {
        mod = await import("../../components/registry/registry");
        new mod.Registry("prod-reg", {
            environment: "prod", domain: "example.com", namespace: "reg-prod",
            storage: { type: "s3", bucketStorageClass: "ceph-bucket" }, tls: { ca: { certPem: "CA", keyPem: "KEY" } },
            proxy: { remoteUrl: "https://registry-1.docker.io" },
        });
        new mod.Registry("dev-reg", {
            environment: "dev", domain: "dev.example.com", namespace: "reg-dev",
            storage: { type: "filesystem", storageClass: "ceph-block" }, tls: { secretName: "given-tls" },
        });
        await rec.settle();
    });

    const dep = (n: string) => rec.one("kubernetes:apps/v1:Deployment", n).inputs;

    it("opens only its API port (which needs credentials) to nodes and other namespaces", () => {
        const np = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "prod-reg-netpol").inputs;
        assert.equal(np.metadata.name, "platform-ingress");
        const open = np.spec.ingress.filter((r: any) => r.from === undefined);
        assert.deepEqual(open, [{ ports: [{ protocol: "TCP", port: "https" }] }]);
        const api = dep("prod-reg").spec.template.spec.containers[0].ports.find((p: any) => p.name === "https");
        assert.equal(api.containerPort, 5000);
    });

    it("runs 2 replicas in prod and 1 in dev", () => {
        assert.equal(dep("prod-reg").spec.replicas, 2);
        assert.equal(dep("dev-reg").spec.replicas, 1);
    });

    it("claims a bucket on the bucket storage class in prod", () => {
        const obc = rec.one("kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim", "prod-reg-bucket").inputs;
        assert.equal(obc.spec.storageClassName, "ceph-bucket");
    });

    it("reads the S3 bucket and keys from the claim's ConfigMap and Secret", () => {
        const env = dep("prod-reg").spec.template.spec.containers[0].env;
        const key = env.find((e: any) => e.name === "REGISTRY_STORAGE_S3_SECRETKEY");
        assert.deepEqual(key.valueFrom.secretKeyRef, { name: "registry-blobs", key: "AWS_SECRET_ACCESS_KEY" });
    });

    it("stores blobs on a PVC in dev and replaces the pod with Recreate", () => {
        assert.equal(rec.one("kubernetes:core/v1:PersistentVolumeClaim", "dev-reg-data").inputs.spec.storageClassName, "ceph-block");
        assert.equal(dep("dev-reg").spec.strategy.type, "Recreate");
    });

    it("issues a TLS certificate for registry.<domain> from the platform CA", () => {
        const cert = rec.one("pulumi-nodejs:dynamic/containercloud:Certificate", "prod-reg-cert").inputs;
        assert.equal(cert.commonName, "registry.example.com");
    });

    it("uses a supplied TLS secret without issuing a certificate", () => {
        assert.equal(rec.named("dev-reg-cert").length, 0);
        const tls = dep("dev-reg").spec.template.spec.volumes.find((v: any) => v.name === "tls");
        assert.equal(tls.secret.secretName, "given-tls");
    });

    it("generates the password with a bcrypt hash for htpasswd", () => {
        const p = rec.one("pulumi-nodejs:dynamic/containercloud:RandomSecret", "prod-reg-password").inputs;
        assert.equal(p.bcrypt, true);
    });

    it("collects garbage on a schedule, switching the registry to read-only", () => {
        const pod = rec.one("kubernetes:batch/v1:CronJob", "prod-reg-gc").inputs.spec.jobTemplate.spec.template.spec;
        const inits = pod.initContainers as any[];
        assert.deepEqual(inits.map((c) => c.name), ["read-only", "wait-read-only", "garbage-collect", "read-write", "wait-read-write"]);
        assert.match(inits[0].image, /^registry\.k8s\.io\/kubectl:v/);
        assert.match(inits[0].args.join(" "), /readonly/);
        assert.match(inits[2].command[2], /registry garbage-collect/);
        // the collection shares the registry's storage and the status folder with the last step
        assert.ok(inits[2].volumeMounts.some((m: any) => m.name === "gc-status"));
        assert.deepEqual(pod.containers.map((c: any) => c.name), ["result"]);
    });

    it("keeps one replica through disruptions in prod", () => {
        assert.equal(rec.one("kubernetes:policy/v1:PodDisruptionBudget", "prod-reg-pdb").inputs.spec.minAvailable, 1);
    });

    it("sets cpu and memory requests and limits on every container", () => {
        assert.deepEqual(containersWithoutLimits(rec), []);
    });

    it("rejects two replicas on a ReadWriteOnce volume, naming the fields", () => {
        assert.throws(() => new mod.Registry("bad", {
            environment: "dev", domain: "x.example.com", replicas: 2, storage: { type: "filesystem" }, tls: { secretName: "t" },
        }), /registry\.replicas 2 needs shared storage: use registry\.storage\.type s3/);
    });
});
