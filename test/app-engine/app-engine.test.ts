import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { fakeContext, podSpecOf, workloadContainers } from "./helpers";

const rec: Recorder = recordRegistrations();
let engine: import("../../components/app-engine/app-engine").AppEngine;
const projectDir = path.resolve(__dirname, "../..");

describe("AppEngine from the dev stack config", () => {
    before(async () => {
        const { parsePlatformConfig } = await import("../../stacks/config");
        const { appEngineArgsFromConfig } = await import("../../stacks/config/app-engine");
        const { loadStackApps } = await import("../../stacks/config/apps");
        const { AppEngine } = await import("../../components/app-engine/app-engine");
        const parsed = parsePlatformConfig({ environment: "dev", tenancy: { teams: { shop: { namespaces: ["shop"] }, data: { namespaces: ["data-jobs"] } } } });
        if (!parsed.ok) {
            throw new Error(JSON.stringify(parsed.issues));
        }
        const apps = loadStackApps(parsed.config.apps, projectDir);
        if (!apps.ok) {
            throw new Error(apps.errors.join("\n"));
        }
        const quotas = { shop: parsed.config.tenancy.defaultQuota, data: parsed.config.tenancy.defaultQuota };
        engine = new AppEngine("ae", { context: fakeContext(), ...appEngineArgsFromConfig(parsed.config.appEngine, apps.apps, quotas) });
        await rec.settle();
    });

    it("builds all eight modules", () => {
        assert.deepEqual(engine.enabledModules, ["control", "router", "logCenter", "support", "services", "runtime", "manageSystem", "codeCenter"]);
        for (const t of ["PlatformControl", "AppRouter", "LogCenter", "PlatformSupport", "Services", "AppRuntime", "ManageSystem", "CodeCenter"]) {
            assert.equal(rec.ofType(`containercloud:appengine:${t}`).length, 1, t);
        }
    });

    it("places each app in its team's namespace", () => {
        const web = rec.one("kubernetes:apps/v1:Deployment", "ae-runtime-shop-shop-web-web");
        assert.equal(web.inputs.metadata.namespace, "shop");
        const worker = rec.one("kubernetes:apps/v1:Deployment", "ae-runtime-data-report-worker-worker");
        assert.equal(worker.inputs.metadata.namespace, "data-jobs");
        assert.equal(rec.named("ae-runtime-data-report-worker-worker-svc").length, 0, "workers get no Service");
    });

    it("binds shop-web to its own postgres and redis instances in namespace shop", () => {
        const env = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "ae-runtime-shop-shop-web-web")).containers[0].env;
        const ref = (n: string) => env.find((e: any) => e.name === n).valueFrom.secretKeyRef.name;
        assert.equal(ref("DATABASE_URL"), "shop-web-postgres-binding");
        assert.equal(ref("REDIS_URL"), "shop-web-cache-binding");
        assert.equal(rec.one("kubernetes:apps/v1:StatefulSet", "ae-services-shop-shop-web-postgres-sts").inputs.metadata.namespace, "shop");
    });

    it("routes apps and the platform's hosts through the router's IngressClass", () => {
        const hosts = rec.all.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress").flatMap((i) => i.inputs.spec.rules.map((x: any) => x.host)).sort();
        assert.deepEqual(hosts, [
            "console.apps.example.com", "git.apps.example.com", "registry.apps.example.com",
            "shop-web.shop.apps.example.com", "shop.dev.containercloud.test",
        ]);
    });

    it("issues the router a certificate from a generated platform CA in dev", () => {
        const ca = rec.all.filter((r) => r.name === "ae-ca");
        assert.equal(ca.length, 1);
        assert.match(ca[0].type, /CertificateAuthority$/);
        assert.deepEqual(rec.all.find((r) => r.name === "ae-router-cert")?.inputs.dnsNames, ["apps.example.com", "*.apps.example.com", "*.data.apps.example.com", "*.shop.apps.example.com"]);
        rec.one("kubernetes:core/v1:Secret", "ae-router-default-cert");
    });

    it("gives platform pods platform priority and app pods app priority", () => {
        assert.equal(podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "ae-router-gateway")).priorityClassName, "containercloud-platform-critical");
        assert.equal(podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "ae-runtime-shop-shop-web-web")).priorityClassName, "containercloud-apps");
    });

    it("sends app telemetry to the OTel collector", () => {
        const env = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "ae-runtime-shop-shop-web-web")).containers[0].env;
        assert.equal(env.find((e: any) => e.name === "OTEL_EXPORTER_OTLP_ENDPOINT").value, "http://otel-collector.containercloud-monitoring.svc:4317");
    });

    it("gives every container of the whole engine requests and limits", () => {
        const all = workloadContainers(rec.all);
        assert.ok(all.length > 15);
        for (const { workload, container } of all) {
            for (const k of ["requests", "limits"]) {
                assert.ok(container.resources?.[k]?.cpu && container.resources?.[k]?.memory, `${workload}/${container.name} ${k}`);
            }
        }
    });

    it("audits the platform footprint and each team against its quota", () => {
        const a = engine.resourceAudit;
        assert.deepEqual(Object.keys(a.platform.byModule), ["app-router", "code-center", "log-center", "manage-system", "platform-control", "platform-support"]);
        assert.ok(a.teams.shop.fits && a.teams.data.fits);
        assert.ok(a.teams.shop.used!.cpu > 0);
    });
});

describe("AppEngine switches", () => {
    it("runs with modules off and no PriorityClass names when control is off", async () => {
        const { AppEngine } = await import("../../components/app-engine/app-engine");
        const e = new AppEngine("min", {
            context: fakeContext({ registry: undefined }),
            control: { enabled: false }, logCenter: { enabled: false }, support: { enabled: false },
            manageSystem: { enabled: false }, codeCenter: { enabled: false }, services: { enabled: false },
            router: { tls: { mode: "none" } },
        });
        await rec.settle();
        assert.deepEqual(e.enabledModules, ["router", "runtime"]);
        assert.equal(podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "min-router-gateway")).priorityClassName, undefined);
    });

    it("fails when an app binds a service and Services is off, naming app and field", async () => {
        const { AppEngine } = await import("../../components/app-engine/app-engine");
        const { loadApps } = await import("../../components/app-engine/app-manifest");
        const apps = loadApps(path.resolve(projectDir, "stacks/apps/dev"));
        assert.ok(apps.ok);
        assert.throws(() => new AppEngine("nosvc", { context: fakeContext(), apps: apps.apps, services: { enabled: false }, codeCenter: { enabled: false } }),
            /app shop-web: services\.postgres: no postgres instance for this binding \(is the Services module enabled\?\)/);
    });
});

describe("AppEngine with the platform CA", () => {
    it("issues the router certificate from the given CA instead of creating one", async () => {
        const { AppEngine } = await import("../../components/app-engine/app-engine");
        new AppEngine("pca", {
            context: fakeContext(), platformCa: { certPem: "CA-CERT", keyPem: "CA-KEY" },
            control: { enabled: false }, logCenter: { enabled: false }, support: { enabled: false },
            manageSystem: { enabled: false }, codeCenter: { enabled: false }, services: { enabled: false }, runtime: { enabled: false },
        });
        await rec.settle();
        assert.equal(rec.named("pca-ca").length, 0);
        assert.equal(rec.all.find((r) => r.name === "pca-router-cert")?.inputs.caCertPem, "CA-CERT");
    });
});

describe("stack config", () => {
    it("gives prod an HA router with a wildcard secret and 30 days of logs", async () => {
        const { parsePlatformConfig } = await import("../../stacks/config");
        const r = parsePlatformConfig({ environment: "prod", tenancy: { teams: {} } });
        assert.ok(r.ok);
        assert.equal(r.config.appEngine.router.replicas, 3);
        assert.deepEqual(r.config.appEngine.router.tls, { mode: "secret", secretName: "wildcard-tls" });
        assert.equal(r.config.appEngine.logCenter.retention, "30d");
        assert.equal(r.config.apps.appDir, "stacks/apps/prod");
    });

    it("reports a bad module setting one line per key", async () => {
        const { parsePlatformConfig, formatIssue } = await import("../../stacks/config");
        const r = parsePlatformConfig({ environment: "dev", tenancy: { teams: {} }, appEngine: { logCenter: { retention: "forever" }, router: { tls: { mode: "acme" } } } });
        assert.ok(!r.ok);
        const lines = r.issues.map(formatIssue);
        assert.ok(lines.some((l) => l.startsWith("containercloud:appEngine.logCenter.retention: a duration in hours or days")), lines.join("\n"));
        assert.ok(lines.some((l) => l.startsWith("containercloud:appEngine.router.tls")), lines.join("\n"));
    });

    it("loads inline apps from the stack config with one-line errors", async () => {
        const { loadStackApps } = await import("../../stacks/config/apps");
        const r = loadStackApps({ appDir: "", inline: [{ name: "x", team: "shop", image: "nginx:1.27", processes: { web: { port: 0 } } }] }, projectDir);
        assert.ok(!r.ok);
        assert.deepEqual(r.errors, ["app x: processes.web.port: must be between 1 and 65535 (got 0)"]);
    });
});
