/**
 * Platform Support: monitoring, problem diagnosis, tracing and statistics. Prometheus 3 (service
 * discovery of the Kubernetes API), Alertmanager, and an OpenTelemetry collector apps send OTLP
 * traces, metrics and logs to.
 *
 * No dashboard UI: Grafana (which this module ran before) is AGPL-licensed and is not built here,
 * and no permissively licensed replacement is built yet (see README, Platform Support). PromQL
 * answers through Prometheus's HTTP API.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { ALERTMANAGER_IMAGE, OTEL_COLLECTOR_IMAGE, PROMETHEUS_IMAGE } from "../versions";
import { MONITORING_NAMESPACE_LABELS, PROMETHEUS_POD_LABELS } from "../core/monitoring";
import { TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, governingService, restrictedContainerSecurityContext, restrictedPodSecurityContext, singleCheckProbes } from "./workload";
import { policyExemptionAnnotation } from "../core/policy-exemptions";
import * as config from "./platform-support-config";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** Sizes of the Platform Support workloads. */
export interface PlatformSupportSizes {
    /** Prometheus. */
    prometheus: ResourceRequirements;
    /** Alertmanager. */
    alertmanager: ResourceRequirements;
    /** OTel collector. */
    otelCollector: ResourceRequirements;
}

/** Default sizes (small; the prod profile raises them through config). */
export const DEFAULT_SUPPORT_SIZES: PlatformSupportSizes = {
    prometheus: resources("200m", "512Mi", "1", "2Gi"),
    alertmanager: resources("20m", "32Mi", "200m", "128Mi"),
    otelCollector: resources("50m", "128Mi", "500m", "512Mi"),
};

/** What `PlatformSupport` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function platformSupportDefaults(env: Environment): { retention: string; prometheusStorage: string } {
    const retention: Record<Environment, string> = { local: "2d", dev: "3d", staging: "7d", prod: "30d" };
    const prometheusStorage: Record<Environment, string> = { local: "2Gi", dev: "5Gi", staging: "20Gi", prod: "100Gi" };
    return { retention: retention[env], prometheusStorage: prometheusStorage[env] };
}

/** Arguments of `PlatformSupport`. */
export interface PlatformSupportArgs extends CommonArgs {
    /** Namespace. @default "containercloud-monitoring" */
    namespace?: string;
    /** Block StorageClass for Prometheus data. */
    storageClass: pulumi.Input<string>;
    /** How long Prometheus keeps samples, e.g. `7d`. @default platformSupportDefaults(environment).retention: 30d in prod, 7d in staging, 3d in dev, 2d in local */
    retention?: string;
    /** Prometheus volume size. @default platformSupportDefaults(environment).prometheusStorage: 100Gi in prod, 20Gi in staging, 5Gi in dev, 2Gi in local */
    prometheusStorage?: string;
    /** OTLP/HTTP logs endpoint of the Log Center's store, where the collector sends app logs. @default none (logs go to the collector's debug log) */
    otlpLogsUrl?: string;
    /** OTLP endpoint of a trace store. @default none (traces go to the collector's debug log) */
    tracesOtlpUrl?: string;
    /** Run the OpenTelemetry collector (and scrape it). @default true */
    otelCollector?: boolean;
    /** Container sizes. @default DEFAULT_SUPPORT_SIZES */
    sizes?: Partial<PlatformSupportSizes>;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Platform Support: Prometheus, Alertmanager and the OpenTelemetry collector. */
export class PlatformSupport extends pulumi.ComponentResource {
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** In-cluster Prometheus URL. */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** OTLP gRPC endpoint apps send telemetry to (a plain string: it goes into app env); none without the collector. */
    public readonly otlpEndpoint?: string;
    /** Resolved Prometheus retention. */
    public readonly retention: string;
    /** What the module reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: PlatformSupportArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:PlatformSupport", name, {}, opts);
        const defaults = platformSupportDefaults(args.environment);
        this.retention = args.retention ?? defaults.retention;
        const nsName = args.namespace ?? "containercloud-monitoring";
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...standardLabels(nsName, "platform-support", args.labels), ...PLATFORM_NAMESPACE_LABELS, ...MONITORING_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // Prometheus's and Alertmanager's web ports for the API server's services proxy; OTLP for apps
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels: standardLabels(nsName, "platform-support", args.labels), openPorts: ["http", "otlp-grpc", "otlp-http"] }, { parent: this });
        const otel = args.otelCollector ?? true;
        const s: SupportSettings = {
            name, nsName, namespace, args,
            sizes: { ...DEFAULT_SUPPORT_SIZES, ...(args.sizes ?? {}) },
            promStorage: args.prometheusStorage ?? defaults.prometheusStorage,
            otel,
            svcHost: (svc: string, port: number) => `${svc}.${nsName}.svc:${port}`,
            workload: (app: string) => ({
                labels: standardLabels(app, "platform-support", args.labels),
                selector: selectorLabels(app, "platform-support"),
            }),
            pod: (uid: number) => ({
                priorityClassName: args.priorityClassName,
                securityContext: restrictedPodSecurityContext(uid),
            }),
        };
        const promSvc = this.prometheus(s);
        this.alertmanager(s);
        if (otel) {
            this.otelCollector(s);
        }

        const { sizes, promStorage } = s;
        this.namespaceName = namespace;
        this.prometheusUrl = pulumi.interpolate`http://${promSvc.metadata.name}.${namespace}.svc:9090`;
        this.otlpEndpoint = otel ? `http://otel-collector.${nsName}.svc:4317` : undefined;
        this.footprint = [
            { module: "platform-support", name: "prometheus", replicas: 1, containers: [sizes.prometheus], storage: promStorage },
            { module: "platform-support", name: "alertmanager", replicas: 1, containers: [sizes.alertmanager] },
            ...(otel ? [{ module: "platform-support", name: "otel-collector", replicas: 1, containers: [sizes.otelCollector] }] : []),
        ];
        this.registerOutputs({ prometheusUrl: this.prometheusUrl, otlpEndpoint: this.otlpEndpoint });
    }

    /** Prometheus: RBAC for service discovery, its config and rules, the StatefulSet; returns its Service. */
    private prometheus(s: SupportSettings): k8s.core.v1.Service {
        const { name, namespace, nsName, args, sizes, promStorage, svcHost, workload, pod, otel } = s;
        // The selector tenant NetworkPolicies let in (core/monitoring.ts); the same as workload()'s.
        const prom = { ...workload("prometheus"), selector: PROMETHEUS_POD_LABELS };
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
                "prometheus.yml": config.renderPrometheusConfig({
                    alertmanager: svcHost("alertmanager", 9093),
                    staticTargets: [
                        { job: "alertmanager", targets: [svcHost("alertmanager", 9093)] },
                        ...(otel ? [{ job: "otel-collector", targets: [svcHost("otel-collector", 8889)] }] : []),
                    ],
                }),
            },
        }, { parent: this });
        const promRules = new k8s.core.v1.ConfigMap(`${name}-prometheus-rules`, {
            metadata: { namespace, labels: prom.labels },
            data: { "containercloud.yml": config.renderAlertRules() },
        }, { parent: this });
        const promSvc = new k8s.core.v1.Service(`${name}-prometheus-svc`, {
            metadata: { name: "prometheus", namespace, labels: prom.labels },
            spec: { selector: prom.selector, ports: [{ name: "http", port: 9090, targetPort: "http" }] },
        }, { parent: this });
        const promHeadless = governingService(`${name}-prometheus-headless`, {
            name: "prometheus-headless", namespace, labels: prom.labels, selector: prom.selector, ports: [{ name: "http", port: 9090, targetPort: "http" }],
        }, { parent: this });
        new k8s.apps.v1.StatefulSet(`${name}-prometheus`, {
            metadata: { name: "prometheus", namespace, labels: prom.labels },
            spec: {
                serviceName: promHeadless.metadata.name,
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
        return promSvc;
    }

    /** Alertmanager: config, Service, Deployment. */
    private alertmanager(s: SupportSettings): void {
        const { name, namespace, args, sizes, workload, pod } = s;
        const am = workload("alertmanager");
        const amConfig = new k8s.core.v1.ConfigMap(`${name}-alertmanager-config`, {
            metadata: { namespace, labels: am.labels },
            data: { "alertmanager.yml": config.renderAlertmanagerConfig() },
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
    }

    /** The OpenTelemetry collector apps send OTLP to: config, Service, Deployment. */
    private otelCollector(s: SupportSettings): void {
        const { name, namespace, args, sizes, workload, pod } = s;
        const ot = workload("otel-collector");
        const otConfig = new k8s.core.v1.ConfigMap(`${name}-otel-config`, {
            metadata: { namespace, labels: ot.labels },
            data: { "config.yaml": config.renderOtelCollectorConfig({ logsOtlpUrl: args.otlpLogsUrl, tracesOtlpUrl: args.tracesOtlpUrl }) },
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
                            // the health_check extension serves one status page
                            ...singleCheckProbes({ httpGet: { path: "/", port: "health" }, periodSeconds: 10 }, "health", { periodSeconds: 20 }),
                            volumeMounts: [{ name: "config", mountPath: "/etc/otelcol" }, TMP_MOUNT],
                        }],
                        volumes: [{ name: "config", configMap: { name: otConfig.metadata.name } }, TMP_VOLUME],
                    },
                },
            },
        }, { parent: this });
    }
}

/** What `PlatformSupport`'s steps share: resolved args, the namespace and small builders. */
interface SupportSettings {
    name: string;
    nsName: string;
    namespace: pulumi.Output<string>;
    args: PlatformSupportArgs;
    sizes: PlatformSupportSizes;
    promStorage: string;
    /** Whether the OTel collector runs. */
    otel: boolean;
    svcHost: (svc: string, port: number) => string;
    workload: (app: string) => { labels: Record<string, string>; selector: Record<string, string> };
    pod: (uid: number) => { priorityClassName?: string; securityContext: ReturnType<typeof restrictedPodSecurityContext> };
}
