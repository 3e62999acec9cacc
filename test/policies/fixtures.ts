/**
 * Compliant Kubernetes objects as plain props, for policy tests: each test starts from one and
 * breaks exactly the condition it is about.
 */

/** Props as the policy host hands them over: plain JSON. */
// Tests reach deep into props to break one field; a precise type per kind would add nothing here.
export type Props = Record<string, any>;

/** Pulumi type tokens used in the tests. */
export const T = {
    pod: "kubernetes:core/v1:Pod",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    resourceQuota: "kubernetes:core/v1:ResourceQuota",
    limitRange: "kubernetes:core/v1:LimitRange",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    cephCluster: "kubernetes:ceph.rook.io/v1:CephCluster",
    cephBlockPool: "kubernetes:ceph.rook.io/v1:CephBlockPool",
    cephFilesystem: "kubernetes:ceph.rook.io/v1:CephFilesystem",
} as const;

/** Every Pod-bearing type. */
export const POD_BEARING = [T.pod, T.deployment, T.statefulSet, T.daemonSet, T.replicaSet, T.job, T.cronJob] as const;

/** A container that passes every rule. */
export function container(name = "app"): Props {
    return {
        name,
        image: "registry.containercloud.local/shop/web:1.4.2",
        ports: [{ containerPort: 8080, name: "http" }],
        env: [{ name: "LOG_LEVEL", value: "info" }],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
        livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
        readinessProbe: { httpGet: { path: "/ready", port: "http" } },
    };
}

/** A pod spec that passes every rule. */
export function podSpec(labels: Record<string, string> = { app: "web" }): Props {
    return {
        containers: [container()],
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
        ],
    };
}

/** Options of `workload`. */
export interface WorkloadOptions {
    name?: string;
    namespace?: string;
    replicas?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    spec?: Props;
}

/** A compliant object of any Pod-bearing type, with the pod spec where that type keeps it. */
export function workload(type: string, opts: WorkloadOptions = {}): Props {
    const labels = opts.labels ?? { app: "web" };
    const metadata: Props = { name: opts.name ?? "web", namespace: opts.namespace ?? "shop", labels };
    if (opts.annotations) {
        metadata.annotations = opts.annotations;
    }
    const spec = opts.spec ?? podSpec(labels);
    const template = { metadata: { labels }, spec };
    switch (type) {
        case T.pod:
            return { metadata, spec };
        case T.job:
            return { metadata, spec: { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } } };
        case T.cronJob:
            return { metadata, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } } } } };
        case T.daemonSet:
            return { metadata, spec: { selector: { matchLabels: labels }, template } };
        default:
            return { metadata, spec: { replicas: opts.replicas ?? 3, selector: { matchLabels: labels }, template } };
    }
}

/** The pod spec inside props built by `workload`, to break a field of it. */
export function specOf(type: string, props: Props): Props {
    switch (type) {
        case T.pod:
            return props.spec;
        case T.cronJob:
            return props.spec.jobTemplate.spec.template.spec;
        default:
            return props.spec.template.spec;
    }
}

/** The first container of props built by `workload`. */
export function firstContainer(type: string, props: Props): Props {
    return specOf(type, props).containers[0];
}

/** A compliant Deployment with a change applied to it. */
export function deployment(change: (d: Props, spec: Props, c: Props) => void = () => undefined, opts: WorkloadOptions = {}): Props {
    const d = workload(T.deployment, opts);
    change(d, specOf(T.deployment, d), firstContainer(T.deployment, d));
    return d;
}

/** A tenant namespace. */
export function tenantNamespace(name = "shop"): Props {
    return { metadata: { name, labels: { "containercloud.io/tenant": "true", "containercloud.io/team": "shop" } } };
}

/** The objects TenantNamespace creates next to the namespace. */
export function tenantIsolation(ns = "shop"): { quota: Props; limits: Props; defaultDeny: Props } {
    return {
        quota: { metadata: { name: "tenant-quota", namespace: ns }, spec: { hard: { "limits.cpu": "4" } } },
        limits: { metadata: { name: "tenant-limits", namespace: ns }, spec: { limits: [{ type: "Container", default: { cpu: "500m" } }] } },
        defaultDeny: { metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    };
}

/** The exemptions annotation with the given entries. */
export function exemptions(...entries: { rule: string; reason?: string }[]): Record<string, string> {
    return { "containercloud.io/policy-exemptions": JSON.stringify(entries) };
}
