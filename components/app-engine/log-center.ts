/**
 * Log Center: real-time collection of app and system logs and a place to query them. Fluent Bit
 * on every node tails `/var/log/containers`, adds Kubernetes metadata and ships to Loki; Loki
 * keeps chunks on the Ceph object store (an ObjectBucketClaim) or on a volume, and Grafana
 * queries it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { toYaml } from "../core/yaml";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { FLUENT_BIT_IMAGE, LOKI_IMAGE } from "../versions";
import { TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, governingService, restrictedContainerSecurityContext, restrictedPodSecurityContext, singleCheckProbes } from "./workload";
import { policyExemptionAnnotation } from "../core/policy-exemptions";

/** Options of `renderFluentBitConfig`. */
export interface FluentBitConfigOptions {
    /** Loki host. */
    lokiHost: string;
    /** Loki port. @default 3100 */
    lokiPort?: number;
    /** Memory buffer per input. @default "32MB" */
    memBufLimit?: string;
}

/**
 * fluent-bit.conf (classic format): tail container logs (CRI and Docker formats), enrich with
 * the kubernetes filter, send to Loki with namespace/pod/container/app labels.
 */
export function renderFluentBitConfig(o: FluentBitConfigOptions): string {
    const section = (name: string, entries: [string, string | number][]) =>
        [`[${name}]`, ...entries.map(([k, v]) => `    ${k.padEnd(22)} ${v}`)].join("\n");
    return [
        section("SERVICE", [
            ["Flush", 5],
            ["Log_Level", "info"],
            ["Daemon", "off"],
            ["HTTP_Server", "On"],
            ["HTTP_Listen", "0.0.0.0"],
            ["HTTP_Port", 2020],
            ["Health_Check", "On"],
        ]),
        section("INPUT", [
            ["Name", "tail"],
            ["Tag", "kube.*"],
            ["Path", "/var/log/containers/*.log"],
            ["multiline.parser", "cri, docker"],
            ["DB", "/var/lib/fluent-bit/tail.db"],
            ["Mem_Buf_Limit", o.memBufLimit ?? "32MB"],
            ["Skip_Long_Lines", "On"],
            ["Refresh_Interval", 10],
        ]),
        section("FILTER", [
            ["Name", "kubernetes"],
            ["Match", "kube.*"],
            ["Kube_URL", "https://kubernetes.default.svc:443"],
            ["Kube_Tag_Prefix", "kube.var.log.containers."],
            ["Merge_Log", "On"],
            ["Keep_Log", "Off"],
            ["K8S-Logging.Parser", "On"],
            ["K8S-Logging.Exclude", "On"],
        ]),
        section("OUTPUT", [
            ["Name", "loki"],
            ["Match", "kube.*"],
            ["Host", o.lokiHost],
            ["Port", o.lokiPort ?? 3100],
            ["Labels", "job=fluent-bit, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name'], app=$kubernetes['labels']['app.kubernetes.io/name']"],
            ["Line_Format", "json"],
            ["Retry_Limit", 5],
        ]),
    ].join("\n\n") + "\n";
}

/** Where Loki keeps chunks. */
export type LokiStorage = { kind: "filesystem" } | { kind: "bucket" };

/** Hours in a retention like `7d` or `72h`; throws on anything else. */
export function retentionHours(retention: string): number {
    const m = /^(\d+)(h|d)$/.exec(retention);
    if (!m) {
        throw new Error(`retention "${retention}" must be hours or days, e.g. 72h or 7d`);
    }
    return m[2] === "d" ? parseInt(m[1], 10) * 24 : parseInt(m[1], 10);
}

/**
 * Loki single-binary config (TSDB, schema v13). Bucket storage reads the bucket and credentials
 * the ObjectBucketClaim publishes (env vars, expanded by `-config.expand-env`).
 */
export function renderLokiConfig(storage: LokiStorage, retention: string): string {
    const bucket = storage.kind === "bucket";
    const objectStore = bucket ? "s3" : "filesystem";
    return toYaml({
        auth_enabled: false,
        server: { http_listen_port: 3100, grpc_listen_port: 9095 },
        common: {
            path_prefix: "/var/loki",
            replication_factor: 1,
            ring: { kvstore: { store: "inmemory" } },
            storage: bucket
                ? {
                    s3: {
                        endpoint: "${BUCKET_HOST}:${BUCKET_PORT}",
                        bucketnames: "${BUCKET_NAME}",
                        access_key_id: "${AWS_ACCESS_KEY_ID}",
                        secret_access_key: "${AWS_SECRET_ACCESS_KEY}",
                        s3forcepathstyle: true,
                        insecure: true,
                    },
                }
                : { filesystem: { chunks_directory: "/var/loki/chunks", rules_directory: "/var/loki/rules" } },
        },
        schema_config: {
            configs: [{ from: "2024-01-01", store: "tsdb", object_store: objectStore, schema: "v13", index: { prefix: "index_", period: "24h" } }],
        },
        limits_config: { retention_period: `${retentionHours(retention)}h`, allow_structured_metadata: true },
        compactor: { working_directory: "/var/loki/compactor", retention_enabled: true, delete_request_store: objectStore },
        analytics: { reporting_enabled: false },
    });
}

/** What `LogCenter` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function logCenterDefaults(env: Environment): { storage: LokiStorage; retention: string; lokiStorage: string } {
    const table: Record<Environment, { storage: LokiStorage; retention: string; lokiStorage: string }> = {
        local: { storage: { kind: "filesystem" }, retention: "2d", lokiStorage: "2Gi" },
        dev: { storage: { kind: "filesystem" }, retention: "3d", lokiStorage: "5Gi" },
        staging: { storage: { kind: "bucket" }, retention: "7d", lokiStorage: "10Gi" },
        prod: { storage: { kind: "bucket" }, retention: "30d", lokiStorage: "20Gi" },
    };
    return table[env];
}

/** Arguments of `LogCenter`. */
export interface LogCenterArgs extends CommonArgs {
    /** Namespace. @default "containercloud-logging" */
    namespace?: string;
    /** Chunk storage. @default bucket in staging/prod, filesystem elsewhere */
    storage?: LokiStorage;
    /** StorageClass of ObjectBucketClaims (Ceph RGW), for bucket storage. */
    bucketStorageClass?: pulumi.Input<string>;
    /** Block StorageClass of Loki's volume (WAL and index; chunks too for filesystem storage). */
    blockStorageClass: pulumi.Input<string>;
    /** Loki volume size. @default logCenterDefaults(environment).lokiStorage: 20Gi in prod, 10Gi in staging, 5Gi in dev, 2Gi in local */
    lokiStorage?: string;
    /** How long logs are kept, e.g. `7d`. @default logCenterDefaults(environment).retention: 30d in prod, 7d in staging, 3d in dev, 2d in local */
    retention?: string;
    /** Loki resources. @default 100m/256Mi requests, 1/1Gi limits */
    lokiResources?: ResourceRequirements;
    /** Fluent Bit resources (per node). @default 50m/64Mi requests, 500m/256Mi limits */
    fluentBitResources?: ResourceRequirements;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Log Center: Fluent Bit on every node, Loki as the store. */
export class LogCenter extends pulumi.ComponentResource {
    /** Loki's in-cluster URL (Grafana datasource, OTLP logs at `/otlp`). */
    public readonly lokiUrl: string;
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** Resolved storage. */
    public readonly storage: LokiStorage;
    /** Resolved retention. */
    public readonly retention: string;
    /** What the module reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: LogCenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:LogCenter", name, {}, opts);
        const env = args.environment;
        const defaults = logCenterDefaults(env);
        this.storage = args.storage ?? defaults.storage;
        this.retention = args.retention ?? defaults.retention;
        try {
            retentionHours(this.retention);
        } catch (e) {
            throw new pulumi.ResourceError(`logCenter.retention: ${(e as Error).message}`, this);
        }
        if (this.storage.kind === "bucket" && args.bucketStorageClass === undefined) {
            throw new pulumi.ResourceError("logCenter.storage is bucket but no bucketStorageClass was given (set PlatformContext.storage.bucketStorageClass or use filesystem)", this);
        }
        const nsName = args.namespace ?? "containercloud-logging";
        const lokiRes = args.lokiResources ?? resources("100m", "256Mi", "1", "1Gi");
        const fbRes = args.fluentBitResources ?? resources("50m", "64Mi", "500m", "256Mi");
        const lokiStorage = args.lokiStorage ?? defaults.lokiStorage;

        // Fluent Bit needs hostPath and root: the namespace is privileged, and only it.
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...standardLabels(nsName, "log-center", args.labels), "pod-security.kubernetes.io/enforce": "privileged" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // Loki's query and push API; Fluent Bit pushes from the namespace itself
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels: standardLabels(nsName, "log-center", args.labels), openPorts: [3100] }, { parent: this });

        const w: LogSettings = { name, args, nsName, namespace, lokiRes, fbRes, lokiStorage };
        this.loki(w);
        this.fluentBit(w);

        this.lokiUrl = `http://loki.${nsName}.svc:3100`;
        this.namespaceName = namespace;
        this.footprint = [
            { module: "log-center", name: "loki", replicas: 1, containers: [lokiRes], storage: lokiStorage },
            { module: "log-center", name: "fluent-bit", replicas: 1, perNode: true, containers: [fbRes] },
        ];
        this.registerOutputs({ lokiUrl: this.lokiUrl, namespaceName: this.namespaceName });
    }

    /** Loki: chunk storage (a bucket claim or its volume), config, Service and StatefulSet. */
    private loki(w: LogSettings): void {
        const { name, args, namespace, lokiRes, lokiStorage } = w;
        const loki = { labels: standardLabels("loki", "log-center", args.labels), selector: selectorLabels("loki", "log-center") };
        let bucketEnv: k8s.types.input.core.v1.EnvFromSource[] = [];
        if (this.storage.kind === "bucket") {
            const obc = new k8s.apiextensions.CustomResource(`${name}-loki-bucket`, {
                apiVersion: "objectbucket.io/v1alpha1",
                kind: "ObjectBucketClaim",
                metadata: { name: "loki-chunks", namespace, labels: loki.labels },
                spec: { generateBucketName: "loki-chunks", storageClassName: args.bucketStorageClass },
            }, { parent: this });
            // The bucket provisioner publishes a ConfigMap (host, port, name) and a Secret (keys) named after the claim.
            bucketEnv = [{ configMapRef: { name: obc.metadata.name } }, { secretRef: { name: obc.metadata.name } }];
        }
        const lokiConfig = new k8s.core.v1.ConfigMap(`${name}-loki-config`, {
            metadata: { namespace, labels: loki.labels },
            data: { "loki.yaml": renderLokiConfig(this.storage, this.retention) },
        }, { parent: this });
        new k8s.core.v1.Service(`${name}-loki-svc`, {
            metadata: { name: "loki", namespace, labels: loki.labels },
            spec: { selector: loki.selector, ports: [{ name: "http", port: 3100, targetPort: "http" }, { name: "grpc", port: 9095, targetPort: "grpc" }] },
        }, { parent: this });
        const lokiHeadless = governingService(`${name}-loki-headless`, {
            name: "loki-headless", namespace, labels: loki.labels, selector: loki.selector, ports: [{ name: "http", port: 3100, targetPort: "http" }],
        }, { parent: this });
        new k8s.apps.v1.StatefulSet(`${name}-loki`, {
            metadata: { name: "loki", namespace, labels: loki.labels },
            spec: {
                serviceName: lokiHeadless.metadata.name,
                replicas: 1,
                selector: { matchLabels: loki.selector },
                template: {
                    metadata: { labels: loki.labels },
                    spec: {
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(10001),
                        containers: [{
                            name: "loki",
                            image: mirrorImage(LOKI_IMAGE, args.imageMirror),
                            args: ["-config.file=/etc/loki/loki.yaml", "-config.expand-env=true", "-target=all"],
                            envFrom: bucketEnv,
                            ports: [{ name: "http", containerPort: 3100 }, { name: "grpc", containerPort: 9095 }],
                            resources: containerResources(lokiRes),
                            securityContext: restrictedContainerSecurityContext(),
                            ...singleCheckProbes({ httpGet: { path: "/ready", port: "http" }, periodSeconds: 10, initialDelaySeconds: 15 }, "http", { periodSeconds: 30, initialDelaySeconds: 60 }),
                            volumeMounts: [{ name: "config", mountPath: "/etc/loki" }, { name: "data", mountPath: "/var/loki" }, TMP_MOUNT],
                        }],
                        volumes: [{ name: "config", configMap: { name: lokiConfig.metadata.name } }, TMP_VOLUME],
                    },
                },
                volumeClaimTemplates: [{
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.blockStorageClass, resources: { requests: { storage: lokiStorage } } },
                }],
            },
        }, { parent: this });
    }

    /** Fluent Bit on every node, shipping container logs to Loki, with the RBAC to read pod metadata. */
    private fluentBit(w: LogSettings): void {
        const { name, args, nsName, namespace, fbRes } = w;
        const fb = { labels: standardLabels("fluent-bit", "log-center", args.labels), selector: selectorLabels("fluent-bit", "log-center") };
        const fbSa = new k8s.core.v1.ServiceAccount(`${name}-fluent-bit-sa`, { metadata: { name: "fluent-bit", namespace, labels: fb.labels } }, { parent: this });
        const fbCr = new k8s.rbac.v1.ClusterRole(`${name}-fluent-bit-cr`, {
            metadata: { name: `${nsName}:fluent-bit`, labels: fb.labels },
            rules: [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-fluent-bit-crb`, {
            metadata: { name: `${nsName}:fluent-bit`, labels: fb.labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: fbCr.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: fbSa.metadata.name, namespace }],
        }, { parent: this });
        const fbConfig = new k8s.core.v1.ConfigMap(`${name}-fluent-bit-config`, {
            metadata: { namespace, labels: fb.labels },
            data: { "fluent-bit.conf": renderFluentBitConfig({ lokiHost: `loki.${nsName}.svc` }) },
        }, { parent: this });
        new k8s.apps.v1.DaemonSet(`${name}-fluent-bit`, {
            metadata: {
                name: "fluent-bit",
                namespace,
                labels: fb.labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-host-path-volumes", reason: "reads container logs from /var/log on the node and keeps its tail offsets in /var/lib/fluent-bit" },
                    { rule: "run-as-non-root", reason: "container log files on the node are owned by root and not world-readable" },
                ]),
            },
            spec: {
                selector: { matchLabels: fb.selector },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                template: {
                    metadata: { labels: fb.labels },
                    spec: {
                        serviceAccountName: fbSa.metadata.name,
                        priorityClassName: args.priorityClassName,
                        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                        // Every node, including tainted storage and edge nodes: their logs matter too.
                        tolerations: [{ operator: "Exists" }],
                        containers: [{
                            name: "fluent-bit",
                            image: mirrorImage(FLUENT_BIT_IMAGE, args.imageMirror),
                            args: ["--config=/fluent-bit/etc/conf/fluent-bit.conf"],
                            ports: [{ name: "http", containerPort: 2020 }],
                            resources: containerResources(fbRes),
                            securityContext: {
                                runAsUser: 0,
                                runAsNonRoot: false,
                                readOnlyRootFilesystem: true,
                                allowPrivilegeEscalation: false,
                                // Root owns the log files, so no capability is needed to read them.
                                capabilities: { drop: ["ALL"] },
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            readinessProbe: { httpGet: { path: "/api/v1/health", port: "http" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 30 },
                            volumeMounts: [
                                { name: "config", mountPath: "/fluent-bit/etc/conf" },
                                { name: "varlog", mountPath: "/var/log", readOnly: true },
                                { name: "state", mountPath: "/var/lib/fluent-bit" },
                                TMP_MOUNT,
                            ],
                        }],
                        volumes: [
                            { name: "config", configMap: { name: fbConfig.metadata.name } },
                            { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
                            { name: "state", hostPath: { path: "/var/lib/fluent-bit", type: "DirectoryOrCreate" } },
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
    lokiRes: ResourceRequirements;
    fbRes: ResourceRequirements;
    lokiStorage: string;
}
