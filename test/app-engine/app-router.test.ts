import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { podSpecOf, workloadContainers } from "./helpers";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/app-router");

describe("AppRouter", () => {
    before(async () => {
        mod = await import("../../components/app-engine/app-router");
        new mod.AppRouter("prod-router", {
            environment: "prod",
            domain: "apps.example.com",
            tls: { secretName: "wildcard-apps" },
            platformRoutes: [{ host: "registry.apps.example.com", namespace: "containercloud-registry", serviceName: "registry", servicePort: 5000, tlsBackend: true }],
        });
        new mod.AppRouter("local-router", { environment: "local", domain: "local.test", namespace: "local-router", ingressClassName: "local" });
        new mod.AppRouter("dev-router", { environment: "dev", domain: "dev.test", namespace: "dev-router", tls: { certificatePem: "CERT", privateKeyPem: "KEY" } });
        await rec.settle();
    });

    it("labels its namespace as the router so tenant policies let it in", () => {
        const ns = rec.one("kubernetes:core/v1:Namespace", "prod-router-ns");
        assert.equal(ns.inputs.metadata.labels["containercloud.io/role"], "router");
    });

    it("runs HAProxy Ingress as a Deployment with an IngressClass of its own", () => {
        const cls = rec.one("kubernetes:networking.k8s.io/v1:IngressClass", "prod-router-class");
        assert.equal(cls.inputs.spec.controller, "haproxy-ingress.github.io/controller");
        const c = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "prod-router-gateway")).containers[0];
        assert.match(c.image, /^quay\.io\/jcmoraisjr\/haproxy-ingress:v\d/);
        assert.ok(c.args.includes("--ingress-class=containercloud"));
        assert.ok(c.args.includes("--default-ssl-certificate=containercloud-router/wildcard-apps"));
    });

    it("names in its arguments the very ConfigMap, Service and certificate Secret it creates", () => {
        const args: string[] = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "dev-router-gateway")).containers[0].args;
        const ref = (type: string, name: string) => {
            const m = rec.one(type, name).inputs.metadata;
            return `${m.namespace}/${m.name}`;
        };
        assert.ok(args.includes(`--configmap=${ref("kubernetes:core/v1:ConfigMap", "dev-router-config")}`), args.join(" "));
        assert.ok(args.includes(`--publish-service=${ref("kubernetes:core/v1:Service", "dev-router-svc")}`), args.join(" "));
        assert.ok(args.includes(`--default-ssl-certificate=${ref("kubernetes:core/v1:Secret", "dev-router-default-cert")}`), args.join(" "));
    });

    it("is highly available in prod: 3 replicas, anti-affinity, a PDB, pinned to edge nodes", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "prod-router-gateway");
        assert.equal(d.inputs.spec.replicas, 3);
        const pod = podSpecOf(d);
        assert.equal(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
        const term = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0];
        assert.deepEqual(term, { key: "containercloud.io/node-role", operator: "In", values: ["edge"] });
        assert.deepEqual(pod.tolerations, [{ key: "containercloud.io/node-role", operator: "Equal", value: "edge", effect: "NoSchedule" }]);
        assert.equal(rec.one("kubernetes:policy/v1:PodDisruptionBudget", "prod-router-pdb").inputs.spec.minAvailable, 2);
    });

    it("only prefers edge nodes and runs one replica without a PDB in local", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "local-router-gateway");
        assert.equal(d.inputs.spec.replicas, 1);
        assert.ok(podSpecOf(d).affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution);
        assert.equal(rec.named("local-router-pdb").length, 0);
    });

    it("exposes a LoadBalancer and skips the await for it in local only", () => {
        const prod = rec.one("kubernetes:core/v1:Service", "prod-router-svc");
        assert.equal(prod.inputs.spec.type, "LoadBalancer");
        assert.equal(prod.inputs.metadata.annotations, undefined);
        const local = rec.one("kubernetes:core/v1:Service", "local-router-svc");
        assert.equal(local.inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
    });

    it("routes platform hosts to their Services in their namespaces", () => {
        const ing = rec.one("kubernetes:networking.k8s.io/v1:Ingress", "prod-router-route-registry");
        assert.equal(ing.inputs.metadata.namespace, "containercloud-registry");
        assert.equal(ing.inputs.spec.rules[0].host, "registry.apps.example.com");
        assert.equal(ing.inputs.spec.rules[0].http.paths[0].backend.service.port.number, 5000);
        assert.equal(ing.inputs.metadata.annotations["haproxy-ingress.github.io/backend-protocol"], "h1-ssl");
    });

    it("gives the gateway requests, limits and the restricted security context", () => {
        for (const { container } of workloadContainers(rec.all)) {
            assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
            assert.equal(container.securityContext.runAsNonRoot, true);
            assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        }
    });

    it("creates a TLS Secret from PEMs (the platform CA case)", async () => {
        new mod.AppRouter("ca-router", { environment: "dev", domain: "dev.test", namespace: "ca-router", tls: { certificatePem: "CERT", privateKeyPem: "KEY" } });
        await rec.settle();
        const s = rec.one("kubernetes:core/v1:Secret", "ca-router-default-cert");
        assert.equal(s.inputs.type, "kubernetes.io/tls");
    });
});

describe("router pure helpers", () => {
    it("names app and platform hosts", async () => {
        const m = await import("../../components/app-engine/app-router");
        assert.equal(m.appHost("shop-web", "shop", "apps.example.com"), "shop-web.shop.apps.example.com");
        assert.deepEqual(m.platformHosts("x.io"), { console: "console.x.io", registry: "registry.x.io", git: "git.x.io" });
    });

    it("rejects a canary weight outside 0-100", async () => {
        const m = await import("../../components/app-engine/app-router");
        assert.throws(() => m.trafficSplitAnnotations(120), /canary weight must be a whole number between 0 and 100 \(got 120\)/);
        assert.equal(m.trafficSplitAnnotations(0)["haproxy-ingress.github.io/blue-green-balance"], "track=stable=100,track=canary=0");
    });

    it("renders an Ingress with TLS per route: default certificate, named secret, or none", async () => {
        const m = await import("../../components/app-engine/app-router");
        const spec = m.renderIngressSpec("c", [
            { host: "a.x.io", paths: ["/"], serviceName: "a", servicePort: 80, tls: true },
            { host: "b.x.io", paths: ["/"], serviceName: "a", servicePort: 80, tls: "b-cert" },
            { host: "c.x.io", paths: ["/"], serviceName: "a", servicePort: 80, tls: false },
        ]);
        assert.deepEqual(spec.tls, [{ hosts: ["a.x.io"] }, { hosts: ["b.x.io"], secretName: "b-cert" }]);
    });
});
