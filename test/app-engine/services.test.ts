import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { ofKind, podSpecOf, unsecret, workloadContainers } from "./helpers";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/services");

describe("Services", () => {
    before(async () => {
        mod = await import("../../components/app-engine/services");
        new mod.Services("svc", {
            environment: "dev",
            storageClass: "ceph-block",
            instances: (["postgres", "mysql", "redis", "rabbitmq"] as const).map((type) => ({
                key: `shop/shop-web/${type}`, type, namespace: "shop", instanceName: `shop-web-${type}`, size: "small" as const,
            })),
            sizes: { small: { resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } }, storage: "2Gi" } },
        });
        await rec.settle();
    });

    it("runs each service as a one-replica StatefulSet on the block storage class", () => {
        const sts = ofKind(rec.all, "StatefulSet");
        assert.deepEqual(sts.map((s) => s.inputs.metadata.name).sort(), ["shop-web-mysql", "shop-web-postgres", "shop-web-rabbitmq", "shop-web-redis"]);
        for (const s of sts) {
            assert.equal(s.inputs.spec.replicas, 1);
            const pvc = s.inputs.spec.volumeClaimTemplates[0].spec;
            assert.equal(pvc.storageClassName, "ceph-block");
            assert.equal(pvc.resources.requests.storage, "2Gi");
        }
    });

    it("generates each password with RandomSecret (no random provider)", () => {
        const dyn = rec.all.filter((r) => r.type === "pulumi-nodejs:dynamic/containercloud:RandomSecret");
        // one per instance plus MySQL's root password
        assert.equal(dyn.length, 5);
        assert.ok(!rec.all.some((r) => r.type.startsWith("random:")));
    });

    it("publishes a binding Secret with the servicebinding.io keys", () => {
        const s = rec.one("kubernetes:core/v1:Secret", "svc-shop-shop-web-postgres-binding");
        assert.equal(s.inputs.type, "servicebinding.io/postgresql");
        const data = unsecret(s.inputs.stringData);
        // password (and the uri's password) are unknown under mocks; the keys are what apps rely on
        for (const k of ["type", "provider", "host", "port", "username", "database", "uri"]) {
            assert.ok(k in data, k);
        }
        assert.equal(data.port, "5432");
        assert.equal(data.host, "shop-web-postgres.shop.svc");
        assert.match(data.uri, /^postgresql:\/\/app:.*@shop-web-postgres\.shop\.svc:5432\/app$/);
    });

    it("starts the servers with credentials from the Secret, not literals", () => {
        const pg = podSpecOf(rec.one("kubernetes:apps/v1:StatefulSet", "svc-shop-shop-web-postgres-sts")).containers[0];
        const pw = pg.env.find((e: any) => e.name === "POSTGRES_PASSWORD");
        assert.deepEqual(pw.valueFrom.secretKeyRef, { name: "shop-web-postgres-binding", key: "password" });
        const redis = podSpecOf(rec.one("kubernetes:apps/v1:StatefulSet", "svc-shop-shop-web-redis-sts")).containers[0];
        assert.ok(redis.args.includes("$(REDIS_PASSWORD)"));
    });

    it("gives every service probes, requests, limits and a restricted context", () => {
        for (const { workload, container } of workloadContainers(rec.all)) {
            assert.ok(container.readinessProbe && container.livenessProbe, workload);
            assert.equal(container.resources.requests.cpu, "50m");
            assert.equal(container.resources.limits.memory, "256Mi");
            assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        }
    });

    it("holds liveness back until the port opens, for up to 10 minutes (a first start initialises the data)", () => {
        for (const { workload, container } of workloadContainers(rec.all)) {
            assert.deepEqual(container.startupProbe, { tcpSocket: { port: container.ports[0].containerPort }, periodSeconds: 5, failureThreshold: 120 }, workload);
        }
    });

    it("exposes each instance through a Service on its port", () => {
        const services = ofKind(rec.all, "Service").filter((s) => s.inputs.spec.clusterIP !== "None");
        const ports = Object.fromEntries(services.map((s) => [s.inputs.metadata.name, s.inputs.spec.ports.map((p: any) => p.port)]));
        assert.deepEqual(ports, { "shop-web-postgres": [5432], "shop-web-mysql": [3306], "shop-web-redis": [6379], "shop-web-rabbitmq": [5672, 15672] });
    });

    it("governs each StatefulSet by a headless Service of the same ports and selector", () => {
        for (const sts of ofKind(rec.all, "StatefulSet")) {
            const governing = ofKind(rec.all, "Service").find((s) => s.inputs.metadata.name === sts.inputs.spec.serviceName);
            assert.ok(governing, `${sts.inputs.metadata.name}: no Service ${sts.inputs.spec.serviceName}`);
            assert.equal(governing.inputs.spec.clusterIP, "None");
            assert.equal(governing.inputs.metadata.namespace, sts.inputs.metadata.namespace);
            assert.deepEqual(governing.inputs.spec.selector, sts.inputs.spec.selector.matchLabels);
        }
    });

    it("derives one instance per app binding", async () => {
        const manifest = await import("../../components/app-engine/app-manifest");
        const r = manifest.parseAppManifest({ name: "a", team: "shop", image: "x:1", processes: { web: {} }, services: ["postgres", { type: "redis", name: "cache", size: "medium" }] }, "x");
        assert.ok(r.ok);
        const reqs = mod.serviceInstancesForApps([r.app], () => "shop");
        assert.deepEqual(reqs.map((q) => [q.key, q.instanceName, q.type, q.size]), [
            ["shop/a/postgres", "a-postgres", "postgres", "small"],
            ["shop/a/cache", "a-cache", "redis", "medium"],
        ]);
    });
});
