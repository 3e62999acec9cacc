/**
 * The configuration files of Platform Support, as pure functions: Prometheus and its alert rules,
 * Alertmanager, Grafana provisioning and dashboard, and the OpenTelemetry collector.
 */
import { YamlData, toYaml } from "../core/yaml";

/** Options of `renderPrometheusConfig`. */
export interface PrometheusConfigOptions {
    /** Alertmanager address, `host:port`. @default none (no alerting block) */
    alertmanager?: string;
    /** Extra static targets, `host:port` (e.g. the OTel collector's metrics). @default [] */
    staticTargets?: { job: string; targets: string[] }[];
    /** Scrape interval. @default "30s" */
    scrapeInterval?: string;
}

const SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * prometheus.yml: API servers, nodes and cAdvisor through the API server proxy (no direct
 * kubelet access needed), and every pod or Service annotated `prometheus.io/scrape: "true"`.
 */
export function renderPrometheusConfig(o: PrometheusConfigOptions = {}): string {
    const tls = { ca_file: `${SA_TOKEN}/ca.crt` };
    const viaApiServer = (job: string, metricsPath: string) => ({
        job_name: job,
        scheme: "https",
        tls_config: tls,
        authorization: { credentials_file: `${SA_TOKEN}/token` },
        kubernetes_sd_configs: [{ role: "node" }],
        relabel_configs: [
            { target_label: "__address__", replacement: "kubernetes.default.svc:443" },
            { source_labels: ["__meta_kubernetes_node_name"], regex: "(.+)", target_label: "__metrics_path__", replacement: metricsPath },
        ],
    });
    const annotated = (job: string, role: "pod" | "endpoints", kind: "pod" | "service") => ({
        job_name: job,
        kubernetes_sd_configs: [{ role }],
        relabel_configs: [
            { source_labels: [`__meta_kubernetes_${kind}_annotation_prometheus_io_scrape`], action: "keep", regex: "true" },
            { source_labels: [`__meta_kubernetes_${kind}_annotation_prometheus_io_path`], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
            {
                source_labels: ["__address__", `__meta_kubernetes_${kind}_annotation_prometheus_io_port`],
                action: "replace", regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$1:$2", target_label: "__address__",
            },
            { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
            { source_labels: [`__meta_kubernetes_${kind}_name`], target_label: kind },
        ],
    });
    const config = {
        global: { scrape_interval: o.scrapeInterval ?? "30s", evaluation_interval: o.scrapeInterval ?? "30s" },
        ...(o.alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] } } : {}),
        rule_files: ["/etc/prometheus/rules/*.yml"],
        scrape_configs: [
            {
                job_name: "kubernetes-apiservers",
                scheme: "https",
                tls_config: tls,
                authorization: { credentials_file: `${SA_TOKEN}/token` },
                kubernetes_sd_configs: [{ role: "endpoints" }],
                relabel_configs: [{
                    source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"],
                    action: "keep", regex: "default;kubernetes;https",
                }],
            },
            viaApiServer("kubernetes-nodes", "/api/v1/nodes/$1/proxy/metrics"),
            viaApiServer("kubernetes-cadvisor", "/api/v1/nodes/$1/proxy/metrics/cadvisor"),
            annotated("kubernetes-pods", "pod", "pod"),
            annotated("kubernetes-services", "endpoints", "service"),
            ...(o.staticTargets ?? []).map((t) => ({ job_name: t.job, static_configs: [{ targets: t.targets }] })),
        ],
    };
    return toYaml(config);
}

/** Alert rules every platform gets: a target down, Prometheus not ingesting, a PVC filling up. */
export function renderAlertRules(): string {
    return toYaml({
        groups: [{
            name: "containercloud",
            rules: [
                { alert: "TargetDown", expr: "up == 0", for: "5m", labels: { severity: "warning" }, annotations: { summary: "{{ $labels.job }} target {{ $labels.instance }} is down" } },
                {
                    alert: "PrometheusNotIngesting",
                    expr: "rate(prometheus_tsdb_head_samples_appended_total[5m]) == 0",
                    for: "10m", labels: { severity: "critical" }, annotations: { summary: "Prometheus stored no samples for 10 minutes" },
                },
                {
                    alert: "VolumeFillingUp",
                    expr: "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.1",
                    for: "15m", labels: { severity: "critical" }, annotations: { summary: "PVC {{ $labels.persistentvolumeclaim }} has less than 10% free" },
                },
            ],
        }],
    });
}

/** alertmanager.yml: one default receiver; real receivers (mail, chat) are site-specific. */
export function renderAlertmanagerConfig(): string {
    return toYaml({
        route: { receiver: "default", group_by: ["alertname", "namespace"], group_wait: "30s", group_interval: "5m", repeat_interval: "4h" },
        receivers: [{ name: "default" }],
    });
}

/**
 * Grafana datasource provisioning: Prometheus. The Log Center's store is VictoriaLogs, which
 * Grafana reads only through a plugin it does not ship: logs are queried in VictoriaLogs' own UI.
 */
export function renderGrafanaDatasources(prometheusUrl: string): string {
    return toYaml({
        apiVersion: 1,
        datasources: [
            { name: "Prometheus", uid: "prometheus", type: "prometheus", access: "proxy", url: prometheusUrl, isDefault: true, editable: false },
        ],
    });
}

/** Grafana dashboard provider: dashboards from the mounted ConfigMap folder. */
export function renderGrafanaDashboardProvider(): string {
    return toYaml({
        apiVersion: 1,
        providers: [{ name: "containercloud", folder: "Container Cloud", type: "file", disableDeletion: true, options: { path: "/var/lib/grafana/dashboards" } }],
    });
}

/** The platform overview dashboard (JSON): CPU and memory per namespace, and restarts. */
export function renderOverviewDashboard(): string {
    const panel = (id: number, title: string, expr: string, y: number) => ({
        id, title, type: "timeseries", datasource: { type: "prometheus", uid: "prometheus" },
        gridPos: { h: 8, w: 24, x: 0, y },
        targets: [{ refId: "A", expr, legendFormat: "{{namespace}}" }],
    });
    return JSON.stringify({
        uid: "containercloud-overview",
        title: "Container Cloud overview",
        schemaVersion: 39,
        time: { from: "now-6h", to: "now" },
        panels: [
            panel(1, "CPU by namespace (cores)", "sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=\"\"}[5m]))", 0),
            panel(2, "Memory by namespace", "sum by (namespace) (container_memory_working_set_bytes{container!=\"\"})", 8),
            panel(3, "Targets up", "sum by (job) (up)", 16),
        ],
    }, null, 2);
}

/**
 * OpenTelemetry collector config: OTLP in (gRPC 4317, HTTP 4318); metrics out on a Prometheus
 * endpoint (scraped), logs to the Log Center's OTLP/HTTP logs endpoint when given, traces to an
 * OTLP backend when given, else to the debug exporter (sampled) so they are at least visible.
 */
export function renderOtelCollectorConfig(o: { logsOtlpUrl?: string; tracesOtlpUrl?: string } = {}): string {
    const exporters: Record<string, YamlData> = {
        debug: { verbosity: "basic", sampling_initial: 5, sampling_thereafter: 200 },
        prometheus: { endpoint: "0.0.0.0:8889" },
    };
    if (o.logsOtlpUrl) {
        exporters["otlp_http/logs"] = { logs_endpoint: o.logsOtlpUrl };
    }
    if (o.tracesOtlpUrl) {
        exporters["otlp_grpc/traces"] = { endpoint: o.tracesOtlpUrl, tls: { insecure: true } };
    }
    return toYaml({
        receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
        processors: { memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 }, batch: {} },
        exporters,
        extensions: { health_check: { endpoint: "0.0.0.0:13133" } },
        service: {
            extensions: ["health_check"],
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [o.tracesOtlpUrl ? "otlp_grpc/traces" : "debug"] },
                metrics: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["prometheus"] },
                logs: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [o.logsOtlpUrl ? "otlp_http/logs" : "debug"] },
            },
        },
    });
}
