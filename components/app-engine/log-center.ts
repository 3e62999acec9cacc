/**
 * Log Center: real-time collection of app and system logs and a place to query them. A node agent
 * (the OpenTelemetry collector's filelog receiver, the same image as Platform Support's collector)
 * on every node tails the container logs and ships them over OTLP to VictoriaLogs, which keeps them
 * on a volume and answers LogsQL queries (and has its own web UI at `/select/vmui`).
 *
 * VictoriaLogs (Apache-2.0) replaces Loki: Loki is AGPL-licensed and may not be built here. It keeps
 * its data on a block volume only (no object store), so every environment uses one.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { OTEL_COLLECTOR_IMAGE, VICTORIA_LOGS_IMAGE } from "../versions";
import { TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, governingService, restrictedContainerSecurityContext, restrictedPodSecurityContext, singleCheckProbes } from "./workload";
import { policyExemptionAnnotation } from "../core/policy-exemptions";
import { COLLECTOR_HEALTH_PORT, VICTORIA_LOGS_OTLP_PATH, VICTORIA_LOGS_PORT, renderLogAgentConfig, retentionHours, victoriaLogsArgs } from "./log-center-config";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

export { renderLogAgentConfig, retentionHours, victoriaLogsArgs } from "./log-center-config";

/** What `LogCenter` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function logCenterDefaults(env: Environment): { retention: string; logStorage: string } {
    const table: Record<Environment, { retention: string; logStorage: string }> = {
        local: { retention: "2d", logStorage: "2Gi" },
        dev: { retention: "3d", logStorage: "5Gi" },
        staging: { retention: "7d", logStorage: "10Gi" },
        prod: { retention: "30d", logStorage: "20Gi" },
    };
    return table[env];
}

/** Arguments of `LogCenter`. */
export interface LogCenterArgs extends CommonArgs {
    /** Namespace. @default "containercloud-logging" */
    namespace?: string;
    /** Block StorageClass of the log store's volume. */
    blockStorageClass: pulumi.Input<string>;
    /** Log store volume size. @default logCenterDefaults(environment).logStorage: 20Gi in prod, 10Gi in staging, 5Gi in dev, 2Gi in local */
    logStorage?: string;
    /** How long logs are kept, e.g. `7d`. @default logCenterDefaults(environment).retention: 30d in prod, 7d in staging, 3d in dev, 2d in local */
    retention?: string;
    /** Log store (VictoriaLogs) resources. @default 100m/256Mi requests, 1/1Gi limits */
    storeResources?: ResourceRequirements;
    /** Node agent resources (per node). @default 50m/64Mi requests, 500m/256Mi limits */
    agentResources?: ResourceRequirements;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Log Center: a collector agent on every node, VictoriaLogs as the store. */
export class LogCenter extends pulumi.ComponentResource {
    /** The log store's in-cluster URL (LogsQL at `/select/logsql/query`). */
    public readonly storeUrl: string;
    /** The store's OTLP/HTTP logs endpoint (where Platform Support's collector sends app logs). */
    public readonly otlpLogsUrl: string;
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** Resolved retention. */
    public readonly retention: string;
    /** What the module reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: LogCenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:LogCenter", name, {}, opts);
        const defaults = logCenterDefaults(args.environment);
        this.retention = args.retention ?? defaults.retention;
        try {
            retentionHours(this.retention);
        } catch (e) {
            throw new pulumi.ResourceError(`logCenter.retention: ${(e as Error).message}`, this);
        }
        const nsName = args.namespace ?? "containercloud-logging";
        const storeRes = args.storeResources ?? resources("100m", "256Mi", "1", "1Gi");
        const agentRes = args.agentResources ?? resources("50m", "64Mi", "500m", "256Mi");
        const logStorage = args.logStorage ?? defaults.logStorage;

        // The agent needs hostPath and root: the namespace is privileged, and only it.
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...standardLabels(nsName, "log-center", args.labels), ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "privileged" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // VictoriaLogs' API (OTLP ingestion from the collector, LogsQL queries); the agent's health port stays closed
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels: standardLabels(nsName, "log-center", args.labels), openPorts: ["http"] }, { parent: this });

        this.storeUrl = `http://victoria-logs.${nsName}.svc:${VICTORIA_LOGS_PORT}`;
        this.otlpLogsUrl = `${this.storeUrl}${VICTORIA_LOGS_OTLP_PATH}`;
        const w: LogSettings = { name, args, nsName, namespace, storeRes, agentRes, logStorage };
        this.createStore(w);
        this.createAgent(w);

        this.namespaceName = namespace;
        this.footprint = [
            { module: "log-center", name: "victoria-logs", replicas: 1, containers: [storeRes], storage: logStorage },
            { module: "log-center", name: "log-agent", replicas: 1, perNode: true, containers: [agentRes] },
        ];
        this.registerOutputs({ storeUrl: this.storeUrl, otlpLogsUrl: this.otlpLogsUrl, namespaceName: this.namespaceName });
    }

    /** VictoriaLogs: its headless governing Service and the StatefulSet with its volume. */
    private createStore(w: LogSettings): void {
        const { name, args, namespace, storeRes, logStorage } = w;
        const vl = { labels: standardLabels("victoria-logs", "log-center", args.labels), selector: selectorLabels("victoria-logs", "log-center") };
        // Headless: it governs the StatefulSet, and `victoria-logs.<ns>.svc` resolves to the one pod.
        const svc = governingService(`${name}-victoria-logs-svc`, {
            name: "victoria-logs", namespace, labels: vl.labels, selector: vl.selector, ports: [{ name: "http", port: VICTORIA_LOGS_PORT, targetPort: "http" }],
        }, { parent: this });
        new k8s.apps.v1.StatefulSet(`${name}-victoria-logs`, {
            metadata: { name: "victoria-logs", namespace, labels: vl.labels },
            spec: {
                serviceName: svc.metadata.name,
                replicas: 1,
                selector: { matchLabels: vl.selector },
                template: {
                    metadata: { labels: vl.labels },
                    spec: {
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(10001),
                        containers: [{
                            name: "victoria-logs",
                            image: mirrorImage(VICTORIA_LOGS_IMAGE, args.imageMirror),
                            args: victoriaLogsArgs(this.retention),
                            ports: [{ name: "http", containerPort: VICTORIA_LOGS_PORT }],
                            resources: containerResources(storeRes),
                            securityContext: restrictedContainerSecurityContext(),
                            ...singleCheckProbes({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, initialDelaySeconds: 2 }, "http", { periodSeconds: 30, initialDelaySeconds: 30 }),
                            volumeMounts: [{ name: "data", mountPath: "/victoria-logs-data" }, TMP_MOUNT],
                        }],
                        volumes: [TMP_VOLUME],
                    },
                },
                volumeClaimTemplates: [{
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.blockStorageClass, resources: { requests: { storage: logStorage } } },
                }],
            },
        }, { parent: this });
    }

    /** The node agent on every node: the collector tailing container logs into the store. */
    private createAgent(w: LogSettings): void {
        const { name, args, nsName, namespace, agentRes } = w;
        const ag = { labels: standardLabels("log-agent", "log-center", args.labels), selector: selectorLabels("log-agent", "log-center") };
        const config = new k8s.core.v1.ConfigMap(`${name}-log-agent-config`, {
            metadata: { namespace, labels: ag.labels },
            data: { "config.yaml": renderLogAgentConfig({ logsUrl: this.otlpLogsUrl, namespace: nsName }) },
        }, { parent: this });
        new k8s.apps.v1.DaemonSet(`${name}-log-agent`, {
            metadata: {
                name: "log-agent",
                namespace,
                labels: ag.labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-host-path-volumes", reason: "reads container logs from /var/log/pods on the node" },
                    { rule: "run-as-non-root", reason: "container log files on the node are owned by root and not world-readable" },
                ]),
            },
            spec: {
                selector: { matchLabels: ag.selector },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                template: {
                    metadata: { labels: ag.labels },
                    spec: {
                        // It reads files only: no Kubernetes API access (metadata comes from the log file paths).
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                        // Every node, including tainted storage and edge nodes: their logs matter too.
                        tolerations: [{ operator: "Exists" }],
                        containers: [{
                            name: "log-agent",
                            image: mirrorImage(OTEL_COLLECTOR_IMAGE, args.imageMirror),
                            args: ["--config=/etc/otelcol/config.yaml"],
                            ports: [{ name: "health", containerPort: COLLECTOR_HEALTH_PORT }],
                            resources: containerResources(agentRes),
                            securityContext: {
                                runAsUser: 0,
                                runAsNonRoot: false,
                                readOnlyRootFilesystem: true,
                                allowPrivilegeEscalation: false,
                                // Root owns the log files, so no capability is needed to read them.
                                capabilities: { drop: ["ALL"] },
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            // the health_check extension serves one status page
                            ...singleCheckProbes({ httpGet: { path: "/", port: "health" }, periodSeconds: 10 }, "health", { periodSeconds: 30 }),
                            volumeMounts: [
                                { name: "config", mountPath: "/etc/otelcol" },
                                { name: "pods", mountPath: "/var/log/pods", readOnly: true },
                                TMP_MOUNT,
                            ],
                        }],
                        volumes: [
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "pods", hostPath: { path: "/var/log/pods", type: "Directory" } },
                            TMP_VOLUME,
                        ],
                    },
                },
            },
        }, { parent: this });
    }
}

/** What `LogCenter`'s steps share: the resolved args and the namespace. */
interface LogSettings {
    name: string;
    args: LogCenterArgs;
    nsName: string;
    namespace: pulumi.Output<string>;
    storeRes: ResourceRequirements;
    agentRes: ResourceRequirements;
    logStorage: string;
}
