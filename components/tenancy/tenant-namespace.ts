/**
 * Namespace-and-cgroup isolation for one tenant: the Kubernetes form of the founding design's
 * "Linux namespaces for isolation, cgroups for resource control".
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CpuMemory } from "../core/types";
import { standardLabels } from "../core/labels";
import { APP_METRICS_PORT_NAME, MONITORING_NAMESPACE_LABELS, OTEL_COLLECTOR_POD_LABELS, OTLP_PORTS, PROMETHEUS_POD_LABELS } from "../core/monitoring";
import { parseBytes, parseMillicores } from "../core/resources";

/** Pod Security Standards level enforced on a namespace. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** Hard limits of a tenant's ResourceQuota. */
export interface TenantQuota {
    /** Sum of CPU requests, e.g. `4`. */
    requestsCpu: string;
    /** Sum of memory requests, e.g. `8Gi`. */
    requestsMemory: string;
    /** Sum of CPU limits. */
    limitsCpu: string;
    /** Sum of memory limits. */
    limitsMemory: string;
    /** Sum of PVC storage requests, e.g. `100Gi`. */
    storage: string;
    /** Pods. */
    pods: number;
    /** Services. */
    services: number;
    /** PersistentVolumeClaims. */
    persistentVolumeClaims: number;
}

/** LimitRange values: what a container gets when it declares nothing, and the most it may ask. */
export interface TenantLimits {
    /** Default requests for containers that declare none. */
    defaultRequest: CpuMemory;
    /** Default limits for containers that declare none. */
    default: CpuMemory;
    /** Per-container maximum limits. */
    max: CpuMemory;
}

/** Group names bound to the namespace's roles. */
export interface TenantGroups {
    /** Groups with full control of the namespace (the built-in `admin` ClusterRole). @default [] */
    admins?: string[];
    /**
     * Groups that deploy and change workloads: the built-in `view` ClusterRole plus the namespace's
     * `tenant-developer` Role (`TENANT_DEVELOPER_RULES`), which writes what `edit` writes but reads no
     * Secret. @default []
     */
    developers?: string[];
    /** Groups with read-only access. @default [] */
    viewers?: string[];
}

/** Arguments of `TenantNamespace`. */
export interface TenantNamespaceArgs {
    /** Kubernetes namespace name (DNS label). */
    namespace: string;
    /** Team that owns the namespace; becomes the `containercloud.io/team` label. */
    team: string;
    /** ResourceQuota hard limits. */
    quota: TenantQuota;
    /** LimitRange defaults and maxima. */
    limits: TenantLimits;
    /** Pod Security level enforced, audited and warned. @default "restricted" */
    podSecurity?: PodSecurityLevel;
    /** RBAC groups. @default {} */
    groups?: TenantGroups;
    /**
     * Labels of the App Router's namespace; traffic from it is allowed in.
     * @default { "containercloud.io/role": "router" }
     */
    routerNamespaceLabels?: Record<string, string>;
    /**
     * Labels of the namespace whose Prometheus pods may scrape this namespace's apps, on their
     * `metrics` port only.
     * @default MONITORING_NAMESPACE_LABELS ({ "containercloud.io/role": "monitoring" })
     */
    monitoringNamespaceLabels?: Record<string, string>;
    /**
     * A `kubernetes.io/dockerconfigjson` payload (already JSON) copied into the namespace as the
     * `registry-pull` Secret; the App Runtime lists it in its pods' imagePullSecrets.
     * @default undefined (no pull secret)
     */
    registryPullConfig?: pulumi.Input<string>;
    /** Extra labels for the namespace. @default {} */
    labels?: Record<string, string>;
}

const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

/**
 * What a tenant developer may change, besides reading what `view` reads: the writes of the built-in
 * `edit` role, less impersonation of service accounts and their tokens, and with Secrets write-only.
 * `edit` would let a developer `get` every Secret of the namespace, among them the registry
 * credentials (`registry-pull`), which push as well as pull: RBAC cannot grant "every Secret but
 * one", so developers read none, and the admission rule no-registry-credential-mounts keeps a pod
 * from reading it for them.
 */
export const TENANT_DEVELOPER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "services", "services/proxy"], verbs: ["get", ...WRITE] },
    { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
    { apiGroups: [""], resources: ["configmaps", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "events"], verbs: WRITE },
    { apiGroups: [""], resources: ["secrets"], verbs: WRITE },
    { apiGroups: ["apps"], resources: ["deployments", "deployments/scale", "deployments/rollback", "statefulsets", "statefulsets/scale", "daemonsets", "replicasets", "replicasets/scale"], verbs: WRITE },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: WRITE },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
];

/** Name of the registry pull Secret every tenant namespace gets when the platform has a registry. */
export const TENANT_PULL_SECRET = "registry-pull";

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates quota and limit values; returns the first problem as a sentence naming the field, or undefined. */
export function validateTenantArgs(args: TenantNamespaceArgs): string | undefined {
    if (!NAME_RE.test(args.namespace) || args.namespace.length > 63) {
        return `namespace "${args.namespace}" is not a DNS label: use lower-case letters, digits and '-' (max 63)`;
    }
    if (args.namespace === "default" || args.namespace.startsWith("kube-")) {
        return `namespace "${args.namespace}" is reserved by Kubernetes: choose a tenant-specific name`;
    }
    const l = args.limits;
    const ordered: [string, string, string, string, (q: string) => number][] = [
        ["limits.defaultRequest.cpu", l.defaultRequest.cpu, "limits.default.cpu", l.default.cpu, parseMillicores],
        ["limits.default.cpu", l.default.cpu, "limits.max.cpu", l.max.cpu, parseMillicores],
        ["limits.defaultRequest.memory", l.defaultRequest.memory, "limits.default.memory", l.default.memory, parseBytes],
        ["limits.default.memory", l.default.memory, "limits.max.memory", l.max.memory, parseBytes],
    ];
    for (const [low, value, high, highValue, parse] of ordered) {
        if (parse(value) > parse(highValue)) {
            return `${low} (${value}) is above ${high} (${highValue})`;
        }
    }
    if (parseMillicores(args.quota.requestsCpu) > parseMillicores(args.quota.limitsCpu)) {
        return `quota.requestsCpu (${args.quota.requestsCpu}) is above quota.limitsCpu (${args.quota.limitsCpu})`;
    }
    if (parseBytes(args.quota.requestsMemory) > parseBytes(args.quota.limitsMemory)) {
        return `quota.requestsMemory (${args.quota.requestsMemory}) is above quota.limitsMemory (${args.quota.limitsMemory})`;
    }
    return undefined;
}

/** The ResourceQuota `hard` map, keys in a stable order. */
export function renderQuotaHard(q: TenantQuota): Record<string, string> {
    return {
        "limits.cpu": q.limitsCpu,
        "limits.memory": q.limitsMemory,
        persistentvolumeclaims: `${q.persistentVolumeClaims}`,
        pods: `${q.pods}`,
        "requests.cpu": q.requestsCpu,
        "requests.memory": q.requestsMemory,
        "requests.storage": q.storage,
        services: `${q.services}`,
    };
}

/** The spec of the NetworkPolicy that lets every pod send OTLP to the monitoring namespace's collector, and to nothing else there. */
export function renderAllowOtlpSpec(monitoringNamespaceLabels: Record<string, string>): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{
            // One peer with both selectors: the collector's pods in the monitoring namespace.
            to: [{ namespaceSelector: { matchLabels: { ...monitoringNamespaceLabels } }, podSelector: { matchLabels: { ...OTEL_COLLECTOR_POD_LABELS } } }],
            ports: OTLP_PORTS.map((port) => ({ protocol: "TCP", port })),
        }],
    };
}

/** The spec of the NetworkPolicy that lets the monitoring namespace's Prometheus pods reach every pod's `metrics` port. */
export function renderAllowPrometheusSpec(monitoringNamespaceLabels: Record<string, string>): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{
            // One peer with both selectors: Prometheus's pods in the monitoring namespace (two peers would allow either).
            from: [{ namespaceSelector: { matchLabels: { ...monitoringNamespaceLabels } }, podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } }],
            ports: [{ protocol: "TCP", port: APP_METRICS_PORT_NAME }],
        }],
    };
}

/** Pod Security admission labels for a level (enforce, audit and warn at the same level). */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": level,
        "pod-security.kubernetes.io/warn": level,
    };
}

/**
 * A tenant namespace: Pod Security labels, ResourceQuota, LimitRange, a default-deny
 * NetworkPolicy with allows for DNS, same-namespace traffic and the App Router, RBAC bindings,
 * and the registry pull secret.
 */
export class TenantNamespace extends pulumi.ComponentResource {
    /** The namespace's name. */
    public readonly namespaceName: pulumi.Output<string>;
    /** The namespace object. */
    public readonly namespace: k8s.core.v1.Namespace;
    /** The ResourceQuota. */
    public readonly quota: k8s.core.v1.ResourceQuota;
    /** The LimitRange. */
    public readonly limitRange: k8s.core.v1.LimitRange;
    /** The default-deny NetworkPolicy. */
    public readonly defaultDeny: k8s.networking.v1.NetworkPolicy;
    /** Resolved Pod Security level. */
    public readonly podSecurity: PodSecurityLevel;

    constructor(name: string, args: TenantNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:tenancy:TenantNamespace", name, {}, opts);
        const problem = validateTenantArgs(args);
        if (problem) {
            throw new pulumi.ResourceError(`tenant ${name}: ${problem}`, this);
        }
        this.podSecurity = args.podSecurity ?? "restricted";
        const groups = args.groups ?? {};
        const routerLabels = args.routerNamespaceLabels ?? { "containercloud.io/role": "router" };
        const monitoringLabels = args.monitoringNamespaceLabels ?? MONITORING_NAMESPACE_LABELS;
        const labels = {
            ...standardLabels(args.namespace, "tenant"),
            "containercloud.io/team": args.team,
            "containercloud.io/tenant": "true",
            ...podSecurityLabels(this.podSecurity),
            ...(args.labels ?? {}),
        };

        this.namespace = new k8s.core.v1.Namespace(name, { metadata: { name: args.namespace, labels } }, { parent: this });
        const ns = this.namespace.metadata.name;
        const meta = (suffix: string) => ({ name: suffix, namespace: ns, labels: standardLabels(args.namespace, "tenant") });

        this.quota = new k8s.core.v1.ResourceQuota(`${name}-quota`, {
            metadata: meta("tenant-quota"),
            spec: { hard: renderQuotaHard(args.quota) },
        }, { parent: this });

        this.limitRange = new k8s.core.v1.LimitRange(`${name}-limits`, {
            metadata: meta("tenant-limits"),
            spec: {
                limits: [{
                    type: "Container",
                    defaultRequest: { ...args.limits.defaultRequest },
                    default: { ...args.limits.default },
                    max: { ...args.limits.max },
                }],
            },
        }, { parent: this });

        this.defaultDeny = new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, {
            metadata: meta("default-deny"),
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        }, { parent: this });

        new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`, {
            metadata: meta("allow-dns"),
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
                    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
                }],
            },
        }, { parent: this });

        new k8s.networking.v1.NetworkPolicy(`${name}-allow-same-namespace`, {
            metadata: meta("allow-same-namespace"),
            spec: {
                podSelector: {},
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: {} }] }],
                egress: [{ to: [{ podSelector: {} }] }],
            },
        }, { parent: this });

        new k8s.networking.v1.NetworkPolicy(`${name}-allow-router`, {
            metadata: meta("allow-router"),
            spec: {
                podSelector: {},
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ namespaceSelector: { matchLabels: routerLabels } }] }],
            },
        }, { parent: this });

        // Without this the default-deny refuses Prometheus's scrapes of the apps (the defect it fixes):
        // Prometheus's pods, and only they, reach the port apps name `metrics`, and nothing else.
        new k8s.networking.v1.NetworkPolicy(`${name}-allow-prometheus`, {
            metadata: meta("allow-prometheus"),
            spec: renderAllowPrometheusSpec(monitoringLabels),
        }, { parent: this });

        // Without this the default-deny refuses the OTLP export every app is configured for.
        new k8s.networking.v1.NetworkPolicy(`${name}-allow-otlp`, {
            metadata: meta("allow-otlp"),
            spec: renderAllowOtlpSpec(monitoringLabels),
        }, { parent: this });

        this.bindGroups(name, groups, meta);

        if (args.registryPullConfig !== undefined) {
            new k8s.core.v1.Secret(`${name}-registry-pull`, {
                metadata: meta(TENANT_PULL_SECRET),
                type: "kubernetes.io/dockerconfigjson",
                stringData: { ".dockerconfigjson": pulumi.secret(args.registryPullConfig) },
            }, { parent: this });
        }

        this.namespaceName = ns;
        this.registerOutputs({ namespaceName: this.namespaceName });
    }

    /** Admins get `admin`, developers `view` and the `tenant-developer` Role, viewers `view`; a role without groups gets no binding. */
    private bindGroups(name: string, groups: TenantGroups, meta: (n: string) => { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> }): void {
        const subjects = (members: string[]) => members.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g }));
        const clusterRole = (role: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role });
        const developers = groups.developers ?? [];
        if (developers.length > 0) {
            const role = new k8s.rbac.v1.Role(`${name}-developer-role`, { metadata: meta("tenant-developer"), rules: TENANT_DEVELOPER_RULES }, { parent: this });
            new k8s.rbac.v1.RoleBinding(`${name}-developer-view`, { metadata: meta("tenant-developer-view"), roleRef: clusterRole("view"), subjects: subjects(developers) }, { parent: this });
            new k8s.rbac.v1.RoleBinding(`${name}-developer`, {
                metadata: meta("tenant-developer-write"),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: subjects(developers),
            }, { parent: this });
        }
        for (const [role, builtIn, members] of [["admin", "admin", groups.admins], ["viewer", "view", groups.viewers]] as const) {
            if (members && members.length > 0) {
                new k8s.rbac.v1.RoleBinding(`${name}-${role}`, { metadata: meta(`tenant-${role}`), roleRef: clusterRole(builtIn), subjects: subjects(members) }, { parent: this });
            }
        }
    }
}
