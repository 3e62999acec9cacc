import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { ofKind, podSpecOf, workloadContainers } from "./helpers";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/app");
let manifest: typeof import("../../components/app-engine/app-manifest");

function parse(raw: unknown) {
    const r = manifest.parseAppManifest(raw, "test");
    if (!r.ok) {
        throw new Error(r.errors.join("\n"));
    }
    return r.app;
}

describe("App", () => {
    before(async () => {
        manifest = await import("../../components/app-engine/app-manifest");
        mod = await import("../../components/app-engine/app");
        const app = parse({
            name: "shop-web",
            team: "shop",
            image: "docker.io/nginxinc/nginx-unprivileged:1.27.1",
            processes: {
                web: { port: 8080, instances: { min: 2, max: 6, cpuTarget: 60, memoryTarget: 80 } },
                worker: { command: ["run-jobs"], size: "medium", instances: 1 },
            },
            env: { MODE: "shop" },
            secretEnv: { API_KEY: { secret: "shop-api", key: "key" } },
            services: ["postgres", { type: "redis", name: "cache" }],
            routes: [{ host: "shop.example.com", paths: ["/", "/api"] }],
            cron: { nightly: { schedule: "0 3 * * *", command: ["report"] } },
            canary: { image: "docker.io/nginxinc/nginx-unprivileged:1.27.2", weight: 20 },
        });
        new mod.App("shop-web", {
            app,
            namespace: "shop",
            environment: "prod",
            domain: "apps.example.com",
            bindings: [
                { name: "postgres", type: "postgres", secretName: "shop-web-postgres-binding" },
                { name: "cache", type: "redis", secretName: "shop-web-cache-binding" },
            ],
            registryPullConfig: "{\"auths\":{}}",
            otlpEndpoint: "http://otel-collector.containercloud-monitoring.svc:4317",
        });
        await rec.settle();
    });

    it("creates a Deployment per process, and one for the canary", () => {
        const names = ofKind(rec.all, "Deployment").map((d) => d.inputs.metadata.name).sort();
        assert.deepEqual(names, ["shop-web-web", "shop-web-web-canary", "shop-web-worker"]);
        for (const d of ofKind(rec.all, "Deployment")) {
            assert.equal(d.parentType, "containercloud:appengine:App");
            assert.equal(d.inputs.metadata.namespace, "shop");
        }
    });

    it("runs every container with the restricted security context and no token", () => {
        for (const d of [...ofKind(rec.all, "Deployment"), ...ofKind(rec.all, "CronJob")]) {
            const pod = podSpecOf(d);
            assert.equal(pod.automountServiceAccountToken, false, d.name);
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
            for (const c of pod.containers) {
                assert.deepEqual(c.securityContext, {
                    runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
                    capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
                });
                assert.ok(c.volumeMounts.some((m: any) => m.mountPath === "/tmp"), "writable /tmp");
            }
            assert.ok(pod.volumes.some((v: any) => v.name === "tmp" && v.emptyDir));
        }
    });

    it("gives every container, init containers included, requests and limits", () => {
        const all = workloadContainers(rec.all);
        assert.ok(all.length >= 4);
        for (const { workload, container } of all) {
            for (const k of ["requests", "limits"]) {
                assert.ok(container.resources?.[k]?.cpu && container.resources?.[k]?.memory, `${workload}/${container.name} ${k}`);
            }
        }
    });

    it("autoscales the web process with autoscaling/v2 between min and max", () => {
        const hpa = rec.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "shop-web-web-hpa");
        assert.equal(hpa.inputs.spec.minReplicas, 2);
        assert.equal(hpa.inputs.spec.maxReplicas, 6);
        assert.deepEqual(hpa.inputs.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 60], ["memory", 80]]);
        assert.equal(hpa.inputs.spec.scaleTargetRef.name, "shop-web-web");
        const web = rec.one("kubernetes:apps/v1:Deployment", "shop-web-web");
        assert.equal(web.inputs.spec.replicas, undefined, "replicas are left to the HPA");
    });

    it("runs a fixed-count process without an HPA", () => {
        assert.equal(rec.named("shop-web-worker-hpa").length, 0);
        assert.equal(rec.one("kubernetes:apps/v1:Deployment", "shop-web-worker").inputs.spec.replicas, 1);
    });

    it("protects every process with a PodDisruptionBudget that never blocks a drain", () => {
        const pdbs = ofKind(rec.all, "PodDisruptionBudget");
        assert.deepEqual(pdbs.map((p) => p.name).sort(), ["shop-web-web-pdb", "shop-web-worker-pdb"]);
        assert.ok(pdbs.every((p) => p.inputs.spec.maxUnavailable === 1));
    });

    it("gives the web process a Service and routes; the worker gets neither", () => {
        const svcs = ofKind(rec.all, "Service").map((s) => s.inputs.metadata.name);
        assert.deepEqual(svcs, ["shop-web-web", "shop-web-web-stable", "shop-web-web-canary"], "the web Service, and one per track for the canary split");
        const ing = ofKind(rec.all, "Ingress");
        assert.equal(ing.length, 1);
        const hosts = ing[0].inputs.spec.rules.map((r: any) => r.host);
        assert.deepEqual(hosts, ["shop-web.shop.apps.example.com", "shop.example.com"]);
        assert.deepEqual(ing[0].inputs.spec.rules[1].http.paths.map((p: any) => p.path), ["/", "/api"]);
        assert.equal(ing[0].inputs.spec.ingressClassName, "containercloud");
        assert.deepEqual(ing[0].inputs.spec.tls[0], { hosts: ["shop-web.shop.apps.example.com"] }, "default certificate: no secretName");
    });

    it("gives a canary app one Service per track, and its Ingress the lowest priority (the split's fallback)", () => {
        const ing = ofKind(rec.all, "Ingress")[0];
        assert.deepEqual(ing.inputs.metadata.annotations, { "traefik.ingress.kubernetes.io/router.priority": "1" });
        const svc = rec.one("kubernetes:core/v1:Service", "shop-web-web-svc");
        assert.equal(svc.inputs.spec.selector.track, undefined);
        assert.equal(rec.one("kubernetes:core/v1:Service", "shop-web-web-stable-svc").inputs.spec.selector.track, "stable");
        assert.equal(rec.one("kubernetes:core/v1:Service", "shop-web-web-canary-svc").inputs.spec.selector.track, "canary");
        const canary = rec.one("kubernetes:apps/v1:Deployment", "shop-web-web-canary");
        assert.equal(canary.inputs.spec.template.metadata.labels.track, "canary");
        assert.equal(podSpecOf(canary).containers[0].image, "docker.io/nginxinc/nginx-unprivileged:1.27.2");
        // two canaries, each track spread over hosts on its own: a lost node leaves one of each
        assert.equal(canary.inputs.spec.replicas, 2);
        for (const [name, track] of [["shop-web-web-canary", "canary"], ["shop-web-web", "stable"]]) {
            const spread = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", name)).topologySpreadConstraints;
            assert.ok(spread.every((t: any) => t.labelSelector.matchLabels.track === track), name);
        }
    });

    it("injects bindings only as Secret references, never literal values", () => {
        const c = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "shop-web-web")).containers[0];
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.deepEqual(env.POSTGRES_PASSWORD.valueFrom.secretKeyRef, { name: "shop-web-postgres-binding", key: "password" });
        assert.deepEqual(env.CACHE_HOST.valueFrom.secretKeyRef, { name: "shop-web-cache-binding", key: "host" });
        assert.deepEqual(env.DATABASE_URL.valueFrom.secretKeyRef, { name: "shop-web-postgres-binding", key: "uri" });
        assert.deepEqual(env.REDIS_URL.valueFrom.secretKeyRef, { name: "shop-web-cache-binding", key: "uri" });
        assert.deepEqual(env.API_KEY.valueFrom.secretKeyRef, { name: "shop-api", key: "key" });
        for (const e of c.env) {
            if (/PASSWORD|URI|URL|USERNAME/.test(e.name) && e.name !== "OTEL_EXPORTER_OTLP_ENDPOINT") {
                assert.equal(e.value, undefined, `${e.name} must come from a Secret`);
            }
        }
    });

    it("mounts bindings in the servicebinding.io layout", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "shop-web-web"));
        const vol = pod.volumes.find((v: any) => v.name === "bindings");
        const pg = vol.projected.sources[0].secret;
        assert.equal(pg.name, "shop-web-postgres-binding");
        assert.deepEqual(pg.items.map((i: any) => i.path), [
            "postgres/type", "postgres/provider", "postgres/host", "postgres/port",
            "postgres/username", "postgres/password", "postgres/database", "postgres/uri",
        ]);
        const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === "bindings");
        assert.deepEqual(mount, { name: "bindings", mountPath: "/bindings", readOnly: true });
        assert.ok(pod.containers[0].env.some((e: any) => e.name === "SERVICE_BINDING_ROOT" && e.value === "/bindings"));
    });

    it("probes a web process without declared checks by HTTP for readiness and TCP for liveness, and the worker not at all", () => {
        const web = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "shop-web-web")).containers[0];
        assert.deepEqual(web.readinessProbe.httpGet, { path: "/", port: 8080 });
        assert.deepEqual(web.livenessProbe.tcpSocket, { port: 8080 });
        assert.deepEqual(web.startupProbe.tcpSocket, { port: 8080 });
        const worker = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "shop-web-worker")).containers[0];
        assert.equal(worker.readinessProbe, undefined);
    });

    it("spreads pods over zones and hosts in prod", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "shop-web-web"));
        assert.deepEqual(pod.topologySpreadConstraints.map((t: any) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    });

    it("leaves a lost node after 30 s: tolerates the unreachable and not-ready taints no longer", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "shop-web-web"));
        assert.deepEqual(pod.tolerations.map((t: any) => `${t.key}:${t.effect}:${t.tolerationSeconds}`), [
            "node.kubernetes.io/unreachable:NoExecute:30", "node.kubernetes.io/not-ready:NoExecute:30",
        ]);
    });

    it("labels everything with app.kubernetes.io labels and pulls with a registry secret", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "shop-web-web");
        const l = d.inputs.metadata.labels;
        assert.equal(l["app.kubernetes.io/name"], "shop-web");
        assert.equal(l["app.kubernetes.io/component"], "web");
        assert.equal(l["app.kubernetes.io/version"], "1.27.1");
        assert.equal(l["app.kubernetes.io/managed-by"], "pulumi");
        assert.deepEqual(podSpecOf(d).imagePullSecrets, [{ name: "shop-web-registry-pull" }]);
        assert.equal(rec.one("kubernetes:core/v1:Secret", "shop-web-pull").inputs.type, "kubernetes.io/dockerconfigjson");
    });

    it("runs cron jobs with the app's image and bindings", () => {
        const cj = rec.one("kubernetes:batch/v1:CronJob", "shop-web-cron-nightly");
        assert.equal(cj.inputs.spec.schedule, "0 3 * * *");
        assert.equal(cj.inputs.spec.concurrencyPolicy, "Forbid");
        assert.equal(cj.inputs.spec.startingDeadlineSeconds, 3600);
        const c = podSpecOf(cj).containers[0];
        assert.deepEqual(c.command, ["report"]);
        assert.ok(c.env.some((e: any) => e.name === "DATABASE_URL" && e.valueFrom));
    });

    it("refuses a manifest service without a binding, naming app and field", () => {
        const app = parse({ name: "lonely", team: "shop", image: "nginx:1.27", processes: { web: {} }, services: ["mysql"] });
        assert.throws(() => new mod.App("lonely", { app, namespace: "shop", environment: "dev", domain: "d.example.com" }),
            /app lonely: services\.mysql: no binding Secret was given for this mysql service/);
    });
});

describe("App pure helpers", () => {
    it("spread every environment's app pods over hosts, and over zones in staging and prod", async () => {
        const { topologySpread } = await import("../../components/app-engine/workload");
        const keys = (env: "local" | "dev" | "staging" | "prod") => (topologySpread(env, { app: "a" }) as any[]).map((t) => `${t.topologyKey}:${t.whenUnsatisfiable}`);
        for (const env of ["local", "dev"] as const) {
            assert.deepEqual(keys(env), ["kubernetes.io/hostname:ScheduleAnyway"], env);
        }
        for (const env of ["staging", "prod"] as const) {
            assert.deepEqual(keys(env), ["topology.kubernetes.io/zone:ScheduleAnyway", "kubernetes.io/hostname:ScheduleAnyway"], env);
        }
    });

    it("prefixes binding env names safely", async () => {
        const m = await import("../../components/app-engine/bindings");
        assert.equal(m.bindingEnvPrefix("orders-db"), "ORDERS_DB");
    });

    it("labels digests by their first 12 hex characters", async () => {
        const m = await import("../../components/app-engine/app");
        assert.equal(m.imageVersion("r.io/a@sha256:0123456789abcdef0123"), "0123456789ab");
    });
});

describe("renderProbes", () => {
    let mod: typeof import("../../components/app-engine/app");
    let manifest: typeof import("../../components/app-engine/app-manifest");
    before(async () => {
        manifest = await import("../../components/app-engine/app-manifest");
        mod = await import("../../components/app-engine/app");
    });
    const processOf = (health: unknown, extra: Record<string, unknown> = {}) => {
        const r = manifest.parseAppManifest({ name: "p", team: "t", image: "nginx:1.27", processes: { web: { health, ...extra } } }, "test");
        if (!r.ok) {
            throw new Error(r.errors.join("\n"));
        }
        return r.app.processes.web;
    };

    it("keeps distinct declared checks as they are", () => {
        const p = mod.renderProbes(processOf({ readiness: { path: "/ready" }, liveness: { path: "/healthz", periodSeconds: 20 } }));
        assert.deepEqual(p.readinessProbe, { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 10, initialDelaySeconds: 0, failureThreshold: 3 });
        assert.deepEqual(p.livenessProbe, { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 20, initialDelaySeconds: 0, failureThreshold: 3 });
    });

    it("turns a liveness check that repeats the readiness check into a TCP check on the port, with the liveness timing", () => {
        const p = mod.renderProbes(processOf({ readiness: { path: "/", periodSeconds: 5 }, liveness: { path: "/", periodSeconds: 15 } }));
        assert.deepEqual(p.readinessProbe, { httpGet: { path: "/", port: 8080 }, periodSeconds: 5, initialDelaySeconds: 0, failureThreshold: 3 });
        assert.deepEqual(p.livenessProbe, { tcpSocket: { port: 8080 }, periodSeconds: 15, initialDelaySeconds: 0, failureThreshold: 3 });
    });

    it("does the same for a repeated command when the process has a port", () => {
        const p = mod.renderProbes(processOf({ readiness: { command: ["check"] }, liveness: { command: ["check"], failureThreshold: 6 } }, { port: 9000 }));
        assert.deepEqual(p.readinessProbe?.exec, { command: ["check"] });
        assert.deepEqual(p.livenessProbe, { tcpSocket: { port: 9000 }, periodSeconds: 10, initialDelaySeconds: 0, failureThreshold: 6 });
    });
});
