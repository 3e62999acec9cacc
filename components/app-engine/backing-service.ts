/**
 * One backing service instance (PostgreSQL, MySQL, Redis or RabbitMQ): a StatefulSet on the
 * block storage class with generated credentials, a Service, probes, and a binding Secret in the
 * servicebinding.io layout that apps mount (never literal values in an app's Deployment).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { MYSQL_IMAGE, POSTGRES_IMAGE, RABBITMQ_IMAGE, REDIS_IMAGE } from "../versions";
import { ServiceType } from "./app-manifest";
import { RandomSecret } from "../secrets";
import { TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, governingService, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./workload";

type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;

/** What differs between the service kinds: image, port, where data lives, env and probes. */
export interface ServiceProfile {
    /** Image (pinned, from versions.ts). */
    image: string;
    /** Port the service listens on. */
    port: number;
    /** Further ports the Service exposes (RabbitMQ's management API). @default none */
    extraPorts?: { name: string; port: number }[];
    /** servicebinding.io `type`. */
    bindingType: string;
    /** Data directory (the PVC mount). */
    dataPath: string;
    /** Extra writable directories (emptyDir) the read-only root needs. */
    scratchPaths: string[];
    /** uid the image's service user has. */
    uid: number;
    /** Username of the generated account. */
    username: string;
    /** Database/vhost name in the URI (empty for redis). */
    database: string;
    /** Container env; `PASSWORD_ENV` is the env var holding the password. */
    env: (secretName: pulumi.Input<string>) => EnvVar[];
    /** Container args. */
    args?: string[];
    /** Readiness check. */
    readiness: Probe;
    /** Liveness check. */
    liveness: Probe;
    /** URI scheme. */
    scheme: string;
}

const fromSecret = (secretName: pulumi.Input<string>, key: string) => ({ valueFrom: { secretKeyRef: { name: secretName, key } } });

/** The profile of a service kind (pure: used by the component and by tests). */
export function serviceProfile(type: ServiceType, database: string): ServiceProfile {
    switch (type) {
        case "postgres":
            return {
                image: POSTGRES_IMAGE, port: 5432, bindingType: "postgresql", dataPath: "/var/lib/postgresql/data",
                scratchPaths: ["/var/run/postgresql"], uid: 999, username: "app", database, scheme: "postgresql",
                env: (s) => [
                    { name: "POSTGRES_USER", ...fromSecret(s, "username") },
                    { name: "POSTGRES_PASSWORD", ...fromSecret(s, "password") },
                    { name: "POSTGRES_DB", ...fromSecret(s, "database") },
                    // A subdirectory: the volume root holds lost+found, which initdb refuses.
                    { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                ],
                readiness: { exec: { command: ["sh", "-c", "pg_isready -h 127.0.0.1 -U \"$POSTGRES_USER\""] }, periodSeconds: 10 },
                liveness: { tcpSocket: { port: 5432 }, periodSeconds: 20, initialDelaySeconds: 30 },
            };
        case "mysql":
            return {
                image: MYSQL_IMAGE, port: 3306, bindingType: "mysql", dataPath: "/var/lib/mysql",
                scratchPaths: ["/var/run/mysqld"], uid: 999, username: "app", database, scheme: "mysql",
                env: (s) => [
                    { name: "MYSQL_USER", ...fromSecret(s, "username") },
                    { name: "MYSQL_PASSWORD", ...fromSecret(s, "password") },
                    { name: "MYSQL_DATABASE", ...fromSecret(s, "database") },
                    { name: "MYSQL_ROOT_PASSWORD", ...fromSecret(s, "root-password") },
                ],
                // MariaDB's images name the client mariadb-admin (no mysql* links since 11.0); MYSQL_PWD keeps the password out of argv.
                readiness: { exec: { command: ["sh", "-c", "MYSQL_PWD=\"$MYSQL_PASSWORD\" mariadb-admin ping -h 127.0.0.1 -u\"$MYSQL_USER\""] }, periodSeconds: 10 },
                liveness: { tcpSocket: { port: 3306 }, periodSeconds: 20, initialDelaySeconds: 30 },
            };
        case "redis":
            return {
                image: REDIS_IMAGE, port: 6379, bindingType: "redis", dataPath: "/data",
                scratchPaths: [], uid: 999, username: "default", database: "", scheme: "redis",
                env: (s) => [{ name: "REDIS_PASSWORD", ...fromSecret(s, "password") }],
                // $(VAR) is expanded by the kubelet, so the password never appears in the spec.
                args: ["--requirepass", "$(REDIS_PASSWORD)", "--appendonly", "yes", "--dir", "/data"],
                // Valkey's images carry valkey-cli (no redis-cli); valkey-cli 8.1 reads REDISCLI_AUTH; ping answers 0 even on NOAUTH, hence the grep.
                readiness: { exec: { command: ["sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" valkey-cli ping | grep -qx PONG"] }, periodSeconds: 10 },
                liveness: { tcpSocket: { port: 6379 }, periodSeconds: 20 },
            };
        case "rabbitmq":
            return {
                image: RABBITMQ_IMAGE, port: 5672, extraPorts: [{ name: "management", port: 15672 }], bindingType: "rabbitmq", dataPath: "/var/lib/rabbitmq",
                scratchPaths: ["/etc/rabbitmq/conf.d"], uid: 999, username: "app", database: "", scheme: "amqp",
                env: (s) => [
                    { name: "RABBITMQ_DEFAULT_USER", ...fromSecret(s, "username") },
                    { name: "RABBITMQ_DEFAULT_PASS", ...fromSecret(s, "password") },
                ],
                readiness: { exec: { command: ["rabbitmq-diagnostics", "-q", "check_port_connectivity"] }, periodSeconds: 20, timeoutSeconds: 10 },
                liveness: { tcpSocket: { port: 5672 }, periodSeconds: 30, initialDelaySeconds: 60 },
            };
    }
}

/**
 * The startup check of every kind: the port open, for up to 10 minutes. Liveness waits for it, so a
 * first start's initialisation (initdb, mariadb-install-db: over a minute on a loaded 2-core node)
 * is not killed.
 */
export function startupProbe(port: number): Probe {
    return { tcpSocket: { port }, periodSeconds: 5, failureThreshold: 120 };
}

/** Default sizes of a backing service. */
export const SERVICE_SIZES: Record<"small" | "medium" | "large", { resources: ResourceRequirements; storage: string }> = {
    small: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }, storage: "1Gi" },
    medium: { resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }, storage: "10Gi" },
    large: { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } }, storage: "50Gi" },
};

/** Connection URI of a service (password already in the output, so the result is secret). */
export function serviceUri(p: ServiceProfile, host: pulumi.Input<string>, password: pulumi.Input<string>): pulumi.Output<string> {
    const path = p.database ? `/${p.database}` : "";
    return pulumi.secret(pulumi.interpolate`${p.scheme}://${p.username}:${password}@${host}:${p.port}${path}`);
}

/** Arguments of `BackingService`. */
export interface BackingServiceArgs {
    /** Service kind. */
    type: ServiceType;
    /** Namespace (the consuming app's namespace: Secrets do not cross namespaces). */
    namespace: pulumi.Input<string>;
    /** Kubernetes name of the instance (StatefulSet, Service, Secrets derive from it). */
    instanceName: string;
    /** Block StorageClass of the data volume. */
    storageClass: pulumi.Input<string>;
    /** Container requests and limits. @default SERVICE_SIZES.small.resources */
    resources?: ResourceRequirements;
    /** Data volume size. @default SERVICE_SIZES.small.storage */
    storage?: string;
    /** Database name (postgres/mysql). @default "app" */
    database?: string;
    /** Registry mirror. @default none */
    imageMirror?: string;
    /** PriorityClass of the pod. @default none */
    priorityClassName?: string;
    /** Extra labels. @default {} */
    labels?: Record<string, string>;
}

/** A single-replica backing service with a binding Secret. */
export class BackingService extends pulumi.ComponentResource {
    /**
     * Name of the binding Secret (servicebinding.io keys), as text. Workloads name it as text and
     * wait for `bindingSecret` with `dependsOn`: the name is fixed, so a changed binding is replaced
     * delete-first, and a workload taking the Secret's Output would be deleted and recreated with it.
     */
    public readonly bindingSecretName: string;
    /** The binding Secret, for `dependsOn`. */
    public readonly bindingSecret: k8s.core.v1.Secret;
    /** In-cluster host of the service. */
    public readonly host: pulumi.Output<string>;
    /** Port of the service. */
    public readonly port: number;
    /** What the instance reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: BackingServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:BackingService", name, {}, opts);
        const size = SERVICE_SIZES.small;
        const res = args.resources ?? size.resources;
        const storage = args.storage ?? size.storage;
        const profile = serviceProfile(args.type, args.database ?? "app");
        const inst = args.instanceName;
        const labels = standardLabels(inst, args.type, args.labels);
        const selector = selectorLabels(inst, args.type);
        const ns = args.namespace;

        const password = new RandomSecret(`${name}-password`, { length: 24 }, { parent: this });
        const rootPassword = args.type === "mysql" ? new RandomSecret(`${name}-root-password`, { length: 24 }, { parent: this }) : undefined;

        const ports = [{ name: args.type, port: profile.port }, ...(profile.extraPorts ?? [])];
        const svc = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: { name: inst, namespace: ns, labels },
            spec: { selector, ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })) },
        }, { parent: this });
        const headless = governingService(`${name}-headless`, {
            name: `${inst}-headless`, namespace: ns, labels, selector, ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
        }, { parent: this });
        const host = pulumi.interpolate`${svc.metadata.name}.${svc.metadata.namespace}.svc`;

        // The credentials the server starts with, and the binding apps read: one Secret, keys per servicebinding.io.
        const bindingName = `${inst}-binding`;
        const binding = new k8s.core.v1.Secret(`${name}-binding`, {
            metadata: { name: bindingName, namespace: ns, labels },
            type: `servicebinding.io/${profile.bindingType}`,
            stringData: {
                type: profile.bindingType,
                provider: "containercloud",
                host,
                port: `${profile.port}`,
                username: profile.username,
                password: password.result,
                database: profile.database,
                uri: serviceUri(profile, host, password.result),
                ...(rootPassword ? { "root-password": rootPassword.result } : {}),
            },
        }, { parent: this, additionalSecretOutputs: ["stringData"] });

        const scratch = profile.scratchPaths.map((p, i) => ({ name: `scratch-${i}`, mountPath: p }));
        new k8s.apps.v1.StatefulSet(`${name}-sts`, {
            metadata: { name: inst, namespace: ns, labels },
            spec: {
                serviceName: headless.metadata.name,
                replicas: 1,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(profile.uid),
                        containers: [{
                            name: args.type,
                            image: mirrorImage(profile.image, args.imageMirror),
                            args: profile.args,
                            env: profile.env(bindingName),
                            ports: ports.map((p) => ({ name: p.name, containerPort: p.port })),
                            resources: containerResources(res),
                            securityContext: restrictedContainerSecurityContext(),
                            readinessProbe: profile.readiness,
                            livenessProbe: profile.liveness,
                            startupProbe: startupProbe(profile.port),
                            volumeMounts: [{ name: "data", mountPath: profile.dataPath }, TMP_MOUNT, ...scratch],
                        }],
                        volumes: [TMP_VOLUME, ...scratch.map((s) => ({ name: s.name, emptyDir: {} }))],
                    },
                },
                volumeClaimTemplates: [{
                    metadata: { name: "data", labels },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage } } },
                }],
            },
        }, { parent: this, dependsOn: [binding] });

        this.bindingSecretName = bindingName;
        this.bindingSecret = binding;
        this.host = host;
        this.port = profile.port;
        this.footprint = [{ module: "services", name: inst, replicas: 1, containers: [res], storage }];
        this.registerOutputs({ bindingSecretName: this.bindingSecretName, host: this.host });
    }
}
