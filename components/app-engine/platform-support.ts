/**
 * Platform Support: monitoring, problem diagnosis, tracing and statistics. Prometheus (service
 * discovery of the Kubernetes API), Alertmanager, Grafana with provisioned datasources and
 * dashboards, and an OpenTelemetry collector apps send OTLP traces, metrics and logs to.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { YamlData, toYaml } from "../core/yaml";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { ALERTMANAGER_IMAGE, GRAFANA_IMAGE, OTEL_COLLECTOR_IMAGE, PROMETHEUS_IMAGE } from "../versions";
import { platformHosts, renderIngressSpec } from "./app-router";
import { RandomSecret } from "../secrets";
import { TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./workload";
import { policyExemptionAnnotation } from "../core/policy-exemptions";

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

/** Grafana datasource provisioning: Prometheus (default) and, when given, Loki. */
export function renderGrafanaDatasources(prometheusUrl: string, lokiUrl?: string): string {
    return toYaml({
        apiVersion: 1,
        datasources: [
            { name: "Prometheus", uid: "prometheus", type: "prometheus", access: "proxy", url: prometheusUrl, isDefault: true, editable: false },
            ...(lokiUrl ? [{ name: "Loki", uid: "loki", type: "loki", access: "proxy", url: lokiUrl, editable: false }] : []),
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
 * endpoint (scraped), logs to Loki's OTLP endpoint when given, traces to an OTLP backend when
 * given, else to the debug exporter (sampled) so they are at least visible.
 */
export function renderOtelCollectorConfig(o: { lokiOtlpUrl?: string; tracesOtlpUrl?: string } = {}): string {
    const exporters: Record<string, YamlData> = {
        debug: { verbosity: "basic", sampling_initial: 5, sampling_thereafter: 200 },
        prometheus: { endpoint: "0.0.0.0:8889" },
    };
    if (o.lokiOtlpUrl) {
        exporters["otlphttp/loki"] = { endpoint: o.lokiOtlpUrl };
    }
    if (o.tracesOtlpUrl) {
        exporters["otlp/traces"] = { endpoint: o.tracesOtlpUrl, tls: { insecure: true } };
    }
    return toYaml({
        receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
        processors: { memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 }, batch: {} },
        exporters,
        extensions: { health_check: { endpoint: "0.0.0.0:13133" } },
        service: {
            extensions: ["health_check"],
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [o.tracesOtlpUrl ? "otlp/traces" : "debug"] },
                metrics: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["prometheus"] },
                logs: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [o.lokiOtlpUrl ? "otlphttp/loki" : "debug"] },
            },
        },
    });
}

/** Sizes of the Platform Support workloads. */
export interface PlatformSupportSizes {
    /** Prometheus. */
    prometheus: ResourceRequirements;
    /** Alertmanager. */
    alertmanager: ResourceRequirements;
    /** Grafana. */
    grafana: ResourceRequirements;
    /** OTel collector. */
    otelCollector: ResourceRequirements;
}

/** Default sizes (small; the prod profile raises them through config). */
export const DEFAULT_SUPPORT_SIZES: PlatformSupportSizes = {
    prometheus: resources("200m", "512Mi", "1", "2Gi"),
    alertmanager: resources("20m", "32Mi", "200m", "128Mi"),
    grafana: resources("50m", "128Mi", "500m", "512Mi"),
    otelCollector: resources("50m", "128Mi", "500m", "512Mi"),
};

/** What `PlatformSupport` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function platformSupportDefaults(env: Environment): { retention: string; prometheusStorage: string } {
    const table: Record<Environment, { retention: string; prometheusStorage: string }> = {
        local: { retention: "2d", prometheusStorage: "2Gi" },
        dev: { retention: "3d", prometheusStorage: "5Gi" },
        staging: { retention: "7d", prometheusStorage: "20Gi" },
        prod: { retention: "30d", prometheusStorage: "100Gi" },
    };
    return table[env];
}

/** Arguments of `PlatformSupport`. */
export interface PlatformSupportArgs extends CommonArgs {
    /** Base domain: Grafana is `grafana.<domain>`. */
    domain: string;
    /** Namespace. @default "containercloud-monitoring" */
    namespace?: string;
    /** Block StorageClass for Prometheus data. */
    storageClass: pulumi.Input<string>;
    /** How long Prometheus keeps samples, e.g. `7d`. @default platformSupportDefaults(environment).retention: 30d in prod, 7d in staging, 3d in dev, 2d in local */
    retention?: string;
    /** Prometheus volume size. @default platformSupportDefaults(environment).prometheusStorage: 100Gi in prod, 20Gi in staging, 5Gi in dev, 2Gi in local */
    prometheusStorage?: string;
    /** Loki query URL for the Grafana datasource; also where the collector sends logs. @default none */
    lokiUrl?: string;
    /** OTLP endpoint of a trace store. @default none (traces go to the collector's debug log) */
    tracesOtlpUrl?: string;
    /** IngressClass for Grafana's route. @default none (no Ingress) */
    ingressClassName?: string;
    /** Container sizes. @default DEFAULT_SUPPORT_SIZES */
    sizes?: Partial<PlatformSupportSizes>;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Platform Support: Prometheus, Alertmanager, Grafana and the OpenTelemetry collector. */
export class PlatformSupport extends pulumi.ComponentResource {
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** In-cluster Prometheus URL. */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** OTLP gRPC endpoint apps send telemetry to (a plain string: it goes into app env). */
    public readonly otlpEndpoint: string;
    /** Grafana URL. */
    public readonly grafanaUrl: string;
    /** Resolved Prometheus retention. */
    public readonly retention: string;
    /** What the module reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: PlatformSupportArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:PlatformSupport", name, {}, opts);
        const env = args.environment;
        const sizes = { ...DEFAULT_SUPPORT_SIZES, ...(args.sizes ?? {}) };
        const defaults = platformSupportDefaults(env);
        this.retention = args.retention ?? defaults.retention;
        const promStorage = args.prometheusStorage ?? defaults.prometheusStorage;
        const nsName = args.namespace ?? "containercloud-monitoring";
        const grafanaHost = platformHosts(args.domain).grafana;

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...standardLabels(nsName, "platform-support", args.labels), "pod-security.kubernetes.io/enforce": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        const svcHost = (svc: string, port: number) => `${svc}.${nsName}.svc:${port}`;
        const workload = (app: string) => ({
            labels: standardLabels(app, "platform-support", args.labels),
            selector: selectorLabels(app, "platform-support"),
        });
        const pod = (uid: number) => ({
            priorityClassName: args.priorityClassName,
            securityContext: restrictedPodSecurityContext(uid),
        });

        // --- Prometheus ---
        const prom = workload("prometheus");
        const promSa = new k8s.core.v1.ServiceAccount(`${name}-prometheus-sa`, { metadata: { name: "prometheus", namespace, labels: prom.labels } }, { parent: this });
        const promCr = new k8s.rbac.v1.ClusterRole(`${name}-prometheus-cr`, {
            metadata: { name: `${nsName}:prometheus`, labels: prom.labels },
            rules: [
                { apiGroups: [""], resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
                { nonResourceURLs: ["/metrics"], verbs: ["get"] },
            ],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-prometheus-crb`, {
            metadata: { name: `${nsName}:prometheus`, labels: prom.labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: promCr.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: promSa.metadata.name, namespace }],
        }, { parent: this });
        const promConfig = new k8s.core.v1.ConfigMap(`${name}-prometheus-config`, {
            metadata: { namespace, labels: prom.labels },
            data: {
                "prometheus.yml": renderPrometheusConfig({
                    alertmanager: svcHost("alertmanager", 9093),
                    staticTargets: [{ job: "otel-collector", targets: [svcHost("otel-collector", 8889)] }],
                }),
            },
        }, { parent: this });
        const promRules = new k8s.core.v1.ConfigMap(`${name}-prometheus-rules`, {
            metadata: { namespace, labels: prom.labels },
            data: { "containercloud.yml": renderAlertRules() },
        }, { parent: this });
        const promSvc = new k8s.core.v1.Service(`${name}-prometheus-svc`, {
            metadata: { name: "prometheus", namespace, labels: prom.labels },
            spec: { selector: prom.selector, ports: [{ name: "http", port: 9090, targetPort: "http" }] },
        }, { parent: this });
        new k8s.apps.v1.StatefulSet(`${name}-prometheus`, {
            metadata: { name: "prometheus", namespace, labels: prom.labels },
            spec: {
                serviceName: promSvc.metadata.name,
                replicas: 1,
                selector: { matchLabels: prom.selector },
                template: {
                    metadata: { labels: prom.labels },
                    spec: {
                        ...pod(65534),
                        serviceAccountName: promSa.metadata.name,
                        containers: [{
                            name: "prometheus",
                            image: mirrorImage(PROMETHEUS_IMAGE, args.imageMirror),
                            args: [
                                "--config.file=/etc/prometheus/prometheus.yml",
                                "--storage.tsdb.path=/prometheus",
                                `--storage.tsdb.retention.time=${this.retention}`,
                                "--web.enable-lifecycle",
                            ],
                            ports: [{ name: "http", containerPort: 9090 }],
                            resources: containerResources(sizes.prometheus),
                            securityContext: restrictedContainerSecurityContext(),
                            readinessProbe: { httpGet: { path: "/-/ready", port: "http" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/-/healthy", port: "http" }, periodSeconds: 20, initialDelaySeconds: 30 },
                            volumeMounts: [
                                { name: "config", mountPath: "/etc/prometheus/prometheus.yml", subPath: "prometheus.yml" },
                                { name: "rules", mountPath: "/etc/prometheus/rules" },
                                { name: "data", mountPath: "/prometheus" },
                                TMP_MOUNT,
                            ],
                        }],
                        volumes: [
                            { name: "config", configMap: { name: promConfig.metadata.name } },
                            { name: "rules", configMap: { name: promRules.metadata.name } },
                            TMP_VOLUME,
                        ],
                    },
                },
                volumeClaimTemplates: [{
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: promStorage } } },
                }],
            },
        }, { parent: this });

        // --- Alertmanager ---
        const am = workload("alertmanager");
        const amConfig = new k8s.core.v1.ConfigMap(`${name}-alertmanager-config`, {
            metadata: { namespace, labels: am.labels },
            data: { "alertmanager.yml": renderAlertmanagerConfig() },
        }, { parent: this });
        new k8s.core.v1.Service(`${name}-alertmanager-svc`, {
            metadata: { name: "alertmanager", namespace, labels: am.labels },
            spec: { selector: am.selector, ports: [{ name: "http", port: 9093, targetPort: "http" }] },
        }, { parent: this });
        new k8s.apps.v1.Deployment(`${name}-alertmanager`, {
            metadata: { name: "alertmanager", namespace, labels: am.labels, annotations: policyExemptionAnnotation([{ rule: "min-replicas", reason: "one Alertmanager: HA needs its gossip peer mesh, which this blueprint does not configure yet; two unmeshed replicas would send every alert twice" }]) },
            spec: {
                replicas: 1,
                selector: { matchLabels: am.selector },
                template: {
                    metadata: { labels: am.labels },
                    spec: {
                        ...pod(65534),
                        automountServiceAccountToken: false,
                        containers: [{
                            name: "alertmanager",
                            image: mirrorImage(ALERTMANAGER_IMAGE, args.imageMirror),
                            args: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/tmp/alertmanager"],
                            ports: [{ name: "http", containerPort: 9093 }],
                            resources: containerResources(sizes.alertmanager),
                            securityContext: restrictedContainerSecurityContext(),
                            readinessProbe: { httpGet: { path: "/-/ready", port: "http" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/-/healthy", port: "http" }, periodSeconds: 20 },
                            volumeMounts: [{ name: "config", mountPath: "/etc/alertmanager" }, TMP_MOUNT],
                        }],
                        volumes: [{ name: "config", configMap: { name: amConfig.metadata.name } }, TMP_VOLUME],
                    },
                },
            },
        }, { parent: this });

        // --- Grafana ---
        const gf = workload("grafana");
        const adminPassword = new RandomSecret(`${name}-grafana-admin`, { length: 24 }, { parent: this });
        // Operators look the admin login up by this name, so it is fixed; Grafana names it as text and
        // waits for it with dependsOn (test/core/replacement-safety.test.ts says why).
        const gfSecretName = "grafana-admin";
        const gfSecret = new k8s.core.v1.Secret(`${name}-grafana-admin-secret`, {
            metadata: { name: gfSecretName, namespace, labels: gf.labels },
            stringData: { username: "admin", password: adminPassword.result },
        }, { parent: this });
        const gfProvisioning = new k8s.core.v1.ConfigMap(`${name}-grafana-datasources`, {
            metadata: { namespace, labels: gf.labels },
            data: { "datasources.yaml": renderGrafanaDatasources(`http://${svcHost("prometheus", 9090)}`, args.lokiUrl) },
        }, { parent: this });
        const gfProviders = new k8s.core.v1.ConfigMap(`${name}-grafana-dashboard-providers`, {
            metadata: { namespace, labels: gf.labels },
            data: { "dashboards.yaml": renderGrafanaDashboardProvider() },
        }, { parent: this });
        const gfDashboards = new k8s.core.v1.ConfigMap(`${name}-grafana-dashboards`, {
            metadata: { namespace, labels: gf.labels },
            data: { "overview.json": renderOverviewDashboard() },
        }, { parent: this });
        const gfSvc = new k8s.core.v1.Service(`${name}-grafana-svc`, {
            metadata: { name: "grafana", namespace, labels: gf.labels },
            spec: { selector: gf.selector, ports: [{ name: "http", port: 80, targetPort: "http" }] },
        }, { parent: this });
        new k8s.apps.v1.Deployment(`${name}-grafana`, {
            metadata: { name: "grafana", namespace, labels: gf.labels, annotations: policyExemptionAnnotation([{ rule: "min-replicas", reason: "one Grafana: it keeps users and state in an embedded SQLite file on its volume, which two replicas cannot share" }]) },
            spec: {
                replicas: 1,
                selector: { matchLabels: gf.selector },
                template: {
                    metadata: { labels: gf.labels },
                    spec: {
                        ...pod(472),
                        automountServiceAccountToken: false,
                        containers: [{
                            name: "grafana",
                            image: mirrorImage(GRAFANA_IMAGE, args.imageMirror),
                            env: [
                                { name: "GF_SECURITY_ADMIN_USER", valueFrom: { secretKeyRef: { name: gfSecretName, key: "username" } } },
                                { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: gfSecretName, key: "password" } } },
                                { name: "GF_SERVER_ROOT_URL", value: `https://${grafanaHost}` },
                                { name: "GF_PATHS_DATA", value: "/var/lib/grafana" },
                                { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
                            ],
                            ports: [{ name: "http", containerPort: 3000 }],
                            resources: containerResources(sizes.grafana),
                            securityContext: restrictedContainerSecurityContext(),
                            readinessProbe: { httpGet: { path: "/api/health", port: "http" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/api/health", port: "http" }, periodSeconds: 20, initialDelaySeconds: 30 },
                            volumeMounts: [
                                { name: "data", mountPath: "/var/lib/grafana" },
                                { name: "datasources", mountPath: "/etc/grafana/provisioning/datasources" },
                                { name: "providers", mountPath: "/etc/grafana/provisioning/dashboards" },
                                { name: "dashboards", mountPath: "/var/lib/grafana/dashboards" },
                                TMP_MOUNT,
                            ],
                        }],
                        // Dashboards and datasources are provisioned from ConfigMaps, so Grafana's own DB can be ephemeral.
                        volumes: [
                            { name: "data", emptyDir: {} },
                            { name: "datasources", configMap: { name: gfProvisioning.metadata.name } },
                            { name: "providers", configMap: { name: gfProviders.metadata.name } },
                            { name: "dashboards", configMap: { name: gfDashboards.metadata.name } },
                            TMP_VOLUME,
                        ],
                    },
                },
            },
        }, { parent: this, dependsOn: [gfSecret] });
        if (args.ingressClassName) {
            new k8s.networking.v1.Ingress(`${name}-grafana-ingress`, {
                metadata: { name: "grafana", namespace, labels: gf.labels },
                spec: renderIngressSpec(args.ingressClassName, [{ host: grafanaHost, paths: ["/"], serviceName: gfSvc.metadata.name, servicePort: 80, tls: true }]),
            }, { parent: this });
        }

        // --- OpenTelemetry collector ---
        const ot = workload("otel-collector");
        const otConfig = new k8s.core.v1.ConfigMap(`${name}-otel-config`, {
            metadata: { namespace, labels: ot.labels },
            data: { "config.yaml": renderOtelCollectorConfig({ lokiOtlpUrl: args.lokiUrl ? `${args.lokiUrl}/otlp` : undefined, tracesOtlpUrl: args.tracesOtlpUrl }) },
        }, { parent: this });
        new k8s.core.v1.Service(`${name}-otel-svc`, {
            metadata: { name: "otel-collector", namespace, labels: ot.labels },
            spec: {
                selector: ot.selector,
                ports: [
                    { name: "otlp-grpc", port: 4317, targetPort: "otlp-grpc" },
                    { name: "otlp-http", port: 4318, targetPort: "otlp-http" },
                    { name: "metrics", port: 8889, targetPort: "metrics" },
                ],
            },
        }, { parent: this });
        new k8s.apps.v1.Deployment(`${name}-otel-collector`, {
            metadata: { name: "otel-collector", namespace, labels: ot.labels, annotations: policyExemptionAnnotation([{ rule: "min-replicas", reason: "one collector: app SDKs retry exports while it restarts; scaling out needs a load-balancing exporter so a trace's spans meet in one place" }]) },
            spec: {
                replicas: 1,
                selector: { matchLabels: ot.selector },
                template: {
                    metadata: { labels: ot.labels },
                    spec: {
                        ...pod(10001),
                        automountServiceAccountToken: false,
                        containers: [{
                            name: "otel-collector",
                            image: mirrorImage(OTEL_COLLECTOR_IMAGE, args.imageMirror),
                            args: ["--config=/etc/otelcol/config.yaml"],
                            ports: [
                                { name: "otlp-grpc", containerPort: 4317 },
                                { name: "otlp-http", containerPort: 4318 },
                                { name: "metrics", containerPort: 8889 },
                                { name: "health", containerPort: 13133 },
                            ],
                            resources: containerResources(sizes.otelCollector),
                            securityContext: restrictedContainerSecurityContext(),
                            readinessProbe: { httpGet: { path: "/", port: "health" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/", port: "health" }, periodSeconds: 20 },
                            volumeMounts: [{ name: "config", mountPath: "/etc/otelcol" }, TMP_MOUNT],
                        }],
                        volumes: [{ name: "config", configMap: { name: otConfig.metadata.name } }, TMP_VOLUME],
                    },
                },
            },
        }, { parent: this });

        this.namespaceName = namespace;
        this.prometheusUrl = pulumi.interpolate`http://${promSvc.metadata.name}.${namespace}.svc:9090`;
        this.otlpEndpoint = `http://otel-collector.${nsName}.svc:4317`;
        this.grafanaUrl = `https://${grafanaHost}`;
        this.footprint = [
            { module: "platform-support", name: "prometheus", replicas: 1, containers: [sizes.prometheus], storage: promStorage },
            { module: "platform-support", name: "alertmanager", replicas: 1, containers: [sizes.alertmanager] },
            { module: "platform-support", name: "grafana", replicas: 1, containers: [sizes.grafana] },
            { module: "platform-support", name: "otel-collector", replicas: 1, containers: [sizes.otelCollector] },
        ];
        this.registerOutputs({ prometheusUrl: this.prometheusUrl, otlpEndpoint: this.otlpEndpoint, grafanaUrl: this.grafanaUrl });
    }
}
