import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { podSpecOf, workloadContainers } from "./helpers";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/platform-support");

describe("PlatformSupport", () => {
    before(async () => {
        mod = await import("../../components/app-engine/platform-support");
        new mod.PlatformSupport("mon", {
            environment: "prod", storageClass: "ceph-block",
            otlpLogsUrl: "http://victoria-logs.containercloud-logging.svc:9428/insert/opentelemetry/v1/logs",
        });
        new mod.PlatformSupport("nocol", { environment: "local", namespace: "nocol", storageClass: "local", otelCollector: false });
        await rec.settle();
    });

    it("keeps Prometheus data on the block class for the environment's retention", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "mon-prometheus");
        assert.ok(podSpecOf(sts).containers[0].args.includes("--storage.tsdb.retention.time=30d"));
        assert.equal(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName, "ceph-block");
    });

    it("gives Prometheus read access for service discovery", () => {
        const cr = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "mon-prometheus-cr");
        assert.ok(cr.inputs.rules[0].resources.includes("pods"));
        assert.deepEqual(cr.inputs.rules[0].verbs, ["get", "list", "watch"]);
    });

    it("governs the Prometheus StatefulSet with a headless Service", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "mon-prometheus");
        const headless = rec.one("kubernetes:core/v1:Service", "mon-prometheus-headless");
        assert.equal(sts.inputs.spec.serviceName, headless.inputs.metadata.name);
        assert.equal(headless.inputs.spec.clusterIP, "None");
        assert.deepEqual(headless.inputs.spec.selector, sts.inputs.spec.selector.matchLabels);
    });

    it("labels its namespace and Prometheus's pods as tenant NetworkPolicies select them", async () => {
        const mon = await import("../../components/core/monitoring");
        const ns = rec.one("kubernetes:core/v1:Namespace", "mon-ns");
        for (const [k, v] of Object.entries(mon.MONITORING_NAMESPACE_LABELS)) {
            assert.equal(ns.inputs.metadata.labels[k], v);
        }
        const tmpl = rec.one("kubernetes:apps/v1:StatefulSet", "mon-prometheus").inputs.spec.template;
        for (const [k, v] of Object.entries(mon.PROMETHEUS_POD_LABELS)) {
            assert.equal(tmpl.metadata.labels[k], v);
        }
        const collector = rec.one("kubernetes:apps/v1:Deployment", "mon-otel-collector").inputs.spec.template;
        for (const [k, v] of Object.entries(mon.OTEL_COLLECTOR_POD_LABELS)) {
            assert.equal(collector.metadata.labels[k], v);
        }
    });

    it("runs no dashboard UI (Grafana is not built here)", () => {
        assert.equal(rec.all.filter((r) => r.name.includes("grafana")).length, 0);
    });

    it("scrapes itself and Alertmanager, and the collector only when it runs", () => {
        const jobs = (res: string) => parse(rec.all.find((r) => r.name === res)!.inputs.data["prometheus.yml"]).scrape_configs.map((j: any) => j.job_name);
        assert.ok(jobs("mon-prometheus-config").includes("prometheus"));
        assert.ok(jobs("mon-prometheus-config").includes("alertmanager"));
        assert.ok(jobs("mon-prometheus-config").includes("otel-collector"));
        assert.ok(!jobs("nocol-prometheus-config").includes("otel-collector"));
    });

    it("leaves the collector out when otelCollector is false", () => {
        assert.equal(rec.all.filter((r) => r.name.startsWith("nocol-otel")).length, 0);
    });

    it("runs an OTLP collector apps can send traces to", () => {
        const svc = rec.one("kubernetes:core/v1:Service", "mon-otel-svc");
        assert.deepEqual(svc.inputs.spec.ports.map((p: any) => p.port), [4317, 4318, 8889]);
    });

    it("gives every container requests and limits", () => {
        const cs = workloadContainers(rec.all);
        assert.equal(cs.length, 5);
        for (const { container } of cs) {
            assert.ok(container.resources.requests.cpu && container.resources.limits.memory, container.name);
        }
    });
});

describe("monitoring renderers", () => {
    it("discovers targets through the Kubernetes API", async () => {
        const m = await import("../../components/app-engine/platform-support-config");
        const cfg = parse(m.renderPrometheusConfig({ alertmanager: "alertmanager.mon.svc:9093" }));
        const roles = cfg.scrape_configs.map((s: any) => s.kubernetes_sd_configs?.[0]?.role);
        assert.deepEqual(roles, [undefined, "endpointslice", "node", "node", "pod", "endpointslice"]);
        assert.deepEqual(cfg.alerting.alertmanagers[0].static_configs[0].targets, ["alertmanager.mon.svc:9093"]);
    });

    it("lets annotation-discovered targets without a valid Content-Type fall back to the text format (Prometheus 3 fails them otherwise)", async () => {
        const m = await import("../../components/app-engine/platform-support-config");
        const cfg = parse(m.renderPrometheusConfig());
        const annotated = cfg.scrape_configs.filter((s: any) => s.job_name === "kubernetes-pods" || s.job_name === "kubernetes-services");
        assert.deepEqual(annotated.map((s: any) => s.fallback_scrape_protocol), ["PrometheusText0.0.4", "PrometheusText0.0.4"]);
    });

    it("has an always-firing Watchdog rule", async () => {
        const m = await import("../../components/app-engine/platform-support-config");
        const rules = parse(m.renderAlertRules()).groups[0].rules;
        assert.equal(rules.find((r: any) => r.alert === "Watchdog").expr, "vector(1)");
    });

    it("sends collector logs to the log store's OTLP endpoint and traces to debug when no trace store is set", async () => {
        const m = await import("../../components/app-engine/platform-support-config");
        const cfg = parse(m.renderOtelCollectorConfig({ logsOtlpUrl: "http://victoria-logs:9428/insert/opentelemetry/v1/logs" }));
        assert.deepEqual(Object.keys(cfg.receivers.otlp.protocols), ["grpc", "http"]);
        assert.deepEqual(cfg.service.pipelines.logs.exporters, ["otlp_http/logs"]);
        assert.equal(cfg.exporters["otlp_http/logs"].logs_endpoint, "http://victoria-logs:9428/insert/opentelemetry/v1/logs");
        assert.deepEqual(cfg.service.pipelines.traces.exporters, ["debug"]);
    });
});
