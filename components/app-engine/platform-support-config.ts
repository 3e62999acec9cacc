/**
 * The configuration files of Platform Support, as pure functions: Prometheus and its alert rules,
 * Alertmanager, and the OpenTelemetry collector. Written for Prometheus 3 and Alertmanager 0.35;
 * test/app-engine/platform-support-promtool.test.ts checks every environment's rendered files
 * with the real promtool and amtool.
 */
import { YamlData, toYaml } from "../core/yaml";

/** Options of `renderPrometheusConfig`. */
export interface PrometheusConfigOptions {
    /** Alertmanager address, `host:port`. @default none (no alerting block) */
    alertmanager?: string;
    /** Extra static targets, `host:port` (Alertmanager, the OTel collector's metrics). @default [] */
    staticTargets?: { job: string; targets: string[] }[];
    /** Scrape interval. @default "30s" */
    scrapeInterval?: string;
}

const SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Scrape protocol for targets that send no valid Content-Type: Prometheus 3 fails such scrapes
 * unless the job names a fallback (2.x assumed the text format). Apps' exporters are not ours to
 * vouch for, so the annotation-driven jobs fall back to the classic text format.
 */
export const FALLBACK_SCRAPE_PROTOCOL = "PrometheusText0.0.4";

/**
 * prometheus.yml: Prometheus itself, API servers, nodes and cAdvisor through the API server proxy
 * (no direct kubelet access needed), and every pod or Service annotated `prometheus.io/scrape: "true"`.
 * Services are discovered through EndpointSlices (the Endpoints API is deprecated since Kubernetes 1.33).
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
    const annotated = (job: string, role: "pod" | "endpointslice", kind: "pod" | "service") => ({
        job_name: job,
        fallback_scrape_protocol: FALLBACK_SCRAPE_PROTOCOL,
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
            { job_name: "prometheus", static_configs: [{ targets: ["localhost:9090"] }] },
            {
                job_name: "kubernetes-apiservers",
                scheme: "https",
                tls_config: tls,
                authorization: { credentials_file: `${SA_TOKEN}/token` },
                kubernetes_sd_configs: [{ role: "endpointslice" }],
                relabel_configs: [{
                    source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
                    action: "keep", regex: "default;kubernetes;https",
                }],
            },
            viaApiServer("kubernetes-nodes", "/api/v1/nodes/$1/proxy/metrics"),
            viaApiServer("kubernetes-cadvisor", "/api/v1/nodes/$1/proxy/metrics/cadvisor"),
            annotated("kubernetes-pods", "pod", "pod"),
            annotated("kubernetes-services", "endpointslice", "service"),
            ...(o.staticTargets ?? []).map((t) => ({ job_name: t.job, static_configs: [{ targets: t.targets }] })),
        ],
    };
    return toYaml(config);
}

/**
 * Alert rules every platform gets: a target down, Prometheus not ingesting, a PVC filling up, and
 * Watchdog, which always fires so that the whole alerting pipeline (rules, Prometheus to
 * Alertmanager) is seen to work; its absence downstream is the alarm.
 */
export function renderAlertRules(): string {
    return toYaml({
        groups: [{
            name: "containercloud",
            rules: [
                {
                    alert: "Watchdog", expr: "vector(1)", labels: { severity: "none" },
                    annotations: { summary: "Always firing: shows that alerts flow from Prometheus to Alertmanager" },
                },
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
