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
        new mod.AppRouter("split-router", {
            environment: "dev", domain: "dev.test", namespace: "split-router",
            trafficSplits: [{
                name: "shop-shop-web", namespace: Promise.resolve("shop-ns"), routes: [{ host: "shop-web.shop.dev.test", paths: ["/"] }],
                stableService: "shop-web-web-stable", canaryService: "shop-web-web-canary", port: 80, canaryWeight: 25,
            }],
        });
        new mod.AppRouter("dev-router", { environment: "dev", domain: "dev.test", namespace: "dev-router", tls: { certificatePem: "CERT", privateKeyPem: "KEY" } });
        await rec.settle();
    });

    it("labels its namespace as the router so tenant policies let it in", () => {
        const ns = rec.one("kubernetes:core/v1:Namespace", "prod-router-ns");
        assert.equal(ns.inputs.metadata.labels["containercloud.io/role"], "router");
    });

    it("runs Traefik as a Deployment with an IngressClass of Traefik's controller", () => {
        const cls = rec.one("kubernetes:networking.k8s.io/v1:IngressClass", "prod-router-class");
        assert.equal(cls.inputs.spec.controller, "traefik.io/ingress-controller");
        const c = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "prod-router-gateway")).containers[0];
        assert.equal(c.image, "docker.io/library/traefik:v3.7.13");
        assert.ok(c.args.includes("--providers.kubernetesIngress.ingressClass=containercloud"));
        assert.ok(c.args.every((a: string) => a.startsWith("--")), "flags only: the image's entrypoint runs traefik with them");
    });

    it("mounts the default certificate it is given beside the dynamic configuration that names it", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "prod-router-gateway"));
        const sources = pod.volumes.find((v: any) => v.name === "dynamic").projected.sources;
        assert.deepEqual(sources.map((s: any) => s.configMap?.name ?? s.secret?.name), ["traefik-dynamic", "wildcard-apps"]);
        assert.ok(pod.containers[0].args.includes("--providers.file.filename=/etc/traefik/dynamic/dynamic.yaml"));
    });

    it("names in its spec the very ConfigMap, Service and certificate Secret it creates", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "dev-router-gateway"));
        const meta = (type: string, name: string) => rec.one(type, name).inputs.metadata;
        const sources = pod.volumes.find((v: any) => v.name === "dynamic").projected.sources;
        assert.equal(sources[0].configMap.name, meta("kubernetes:core/v1:ConfigMap", "dev-router-config").name);
        assert.equal(sources[1].secret.name, meta("kubernetes:core/v1:Secret", "dev-router-default-cert").name);
        const svc = meta("kubernetes:core/v1:Service", "dev-router-svc");
        assert.ok(pod.containers[0].args.includes(`--providers.kubernetesIngress.ingressEndpoint.publishedService=${svc.namespace}/${svc.name}`));
    });

    it("renders no default certificate and mounts no Secret without TLS (Traefik's own certificate)", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "local-router-gateway"));
        assert.equal(pod.volumes.find((v: any) => v.name === "dynamic").projected.sources.length, 1);
        const data = rec.one("kubernetes:core/v1:ConfigMap", "local-router-config").inputs.data;
        assert.doesNotMatch(data["dynamic.yaml"], /defaultCertificate/);
    });

    it("renders the splits it is given, with their namespaces resolved, into its dynamic configuration", () => {
        const data = rec.one("kubernetes:core/v1:ConfigMap", "split-router-config").inputs.data["dynamic.yaml"];
        assert.match(data, /"url": "http:\/\/shop-web-web-canary\.shop-ns\.svc:80"/);
        assert.match(data, /"weight": 25/);
    });

    it("reads only what Traefik's Ingress provider needs, cluster-wide, and writes only Ingress status", () => {
        const rules = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "prod-router-cr").inputs.rules;
        assert.deepEqual(rules.flatMap((r: any) => r.resources).sort(), ["endpointslices", "ingressclasses", "ingresses", "ingresses/status", "nodes", "secrets", "services"]);
        assert.deepEqual(rules.filter((r: any) => r.verbs.some((v: string) => !["get", "list", "watch"].includes(v))), [
            { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["update"] },
        ]);
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
        // Traefik re-encrypts to a Service port named https by itself: no annotation.
        assert.equal(ing.inputs.metadata.annotations, undefined);
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
        const t = await import("../../components/app-engine/traffic-split");
        assert.equal(t.appHost("shop-web", "shop", "apps.example.com"), "shop-web.shop.apps.example.com");
        assert.deepEqual(m.platformHosts("x.io"), { console: "console.x.io", registry: "registry.x.io", git: "git.x.io" });
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
