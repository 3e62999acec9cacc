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
            environment: "prod", domain: "apps.example.com", storageClass: "ceph-block",
            otlpLogsUrl: "http://victoria-logs.containercloud-logging.svc:9428/insert/opentelemetry/v1/logs", ingressClassName: "containercloud",
        });
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

    it("provisions Grafana with the Prometheus datasource (no Loki: the log store is VictoriaLogs) and a dashboard", () => {
        const ds = parse(rec.one("kubernetes:core/v1:ConfigMap", "mon-grafana-datasources").inputs.data["datasources.yaml"]);
        assert.deepEqual(ds.datasources.map((d: any) => d.type), ["prometheus"]);
        const dash = JSON.parse(rec.one("kubernetes:core/v1:ConfigMap", "mon-grafana-dashboards").inputs.data["overview.json"]);
        assert.equal(dash.uid, "containercloud-overview");
        const env = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "mon-grafana")).containers[0].env;
        assert.ok(env.find((e: any) => e.name === "GF_SECURITY_ADMIN_PASSWORD").valueFrom.secretKeyRef);
        assert.equal(rec.one("kubernetes:networking.k8s.io/v1:Ingress", "mon-grafana-ingress").inputs.spec.rules[0].host, "grafana.apps.example.com");
    });

    it("runs an OTLP collector apps can send traces to", () => {
        const svc = rec.one("kubernetes:core/v1:Service", "mon-otel-svc");
        assert.deepEqual(svc.inputs.spec.ports.map((p: any) => p.port), [4317, 4318, 8889]);
    });

    it("gives every container requests and limits", () => {
        const cs = workloadContainers(rec.all);
        assert.equal(cs.length, 4);
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
        assert.deepEqual(roles, ["endpoints", "node", "node", "pod", "endpoints"]);
        assert.deepEqual(cfg.alerting.alertmanagers[0].static_configs[0].targets, ["alertmanager.mon.svc:9093"]);
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
