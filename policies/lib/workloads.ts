/**
 * Where the pod spec lives in each Pod-bearing kind, and the minimal shapes the rules read.
 * Props are plain objects (`args.props`), so the pack needs no @pulumi/kubernetes.
 */
import type { ObjectMeta } from "./types";
import type { LabelSelector } from "./selectors";

/** Pulumi type tokens. */
export const TYPES = {
    pod: "kubernetes:core/v1:Pod",
    replicationController: "kubernetes:core/v1:ReplicationController",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    configMap: "kubernetes:core/v1:ConfigMap",
    resourceQuota: "kubernetes:core/v1:ResourceQuota",
    limitRange: "kubernetes:core/v1:LimitRange",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
    cephCluster: "kubernetes:ceph.rook.io/v1:CephCluster",
    cephBlockPool: "kubernetes:ceph.rook.io/v1:CephBlockPool",
    cephFilesystem: "kubernetes:ceph.rook.io/v1:CephFilesystem",
    cephObjectStore: "kubernetes:ceph.rook.io/v1:CephObjectStore",
} as const;

/** Path from the resource's props to its pod template (`undefined`: the resource is the pod). */
const TEMPLATE_PATH: Record<string, string[] | undefined> = {
    [TYPES.pod]: undefined,
    [TYPES.replicationController]: ["spec", "template"],
    [TYPES.deployment]: ["spec", "template"],
    [TYPES.statefulSet]: ["spec", "template"],
    [TYPES.daemonSet]: ["spec", "template"],
    [TYPES.replicaSet]: ["spec", "template"],
    [TYPES.job]: ["spec", "template"],
    // A CronJob nests a Job template, which nests the pod template.
    [TYPES.cronJob]: ["spec", "jobTemplate", "spec", "template"],
};

/** Every type that carries a pod spec. */
export const POD_BEARING_TYPES: readonly string[] = Object.keys(TEMPLATE_PATH);

/** Kinds that run long-lived replicas (probes, spreading and disruption budgets make sense). */
export const SERVING_TYPES: readonly string[] = [
    TYPES.pod, TYPES.replicationController, TYPES.deployment, TYPES.statefulSet, TYPES.daemonSet, TYPES.replicaSet,
];

/** The subset of a container's security context the rules read. */
export interface SecurityContext {
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
    seccompProfile?: { type?: string; localhostProfile?: string };
}

/** The subset of a container the rules read. */
export interface Container {
    name?: string;
    image?: string;
    env?: { name?: string; value?: string; valueFrom?: { secretKeyRef?: { name?: string } } }[];
    envFrom?: { secretRef?: { name?: string } }[];
    ports?: { containerPort?: number; hostPort?: number; name?: string }[];
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    securityContext?: SecurityContext;
    livenessProbe?: unknown;
    readinessProbe?: unknown;
}

/** The subset of a pod spec the rules read. */
export interface PodSpec {
    containers?: Container[];
    initContainers?: Container[];
    ephemeralContainers?: Container[];
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    volumes?: {
        name?: string;
        hostPath?: { path?: string };
        secret?: { secretName?: string };
        projected?: { sources?: { secret?: { name?: string } }[] };
    }[];
    securityContext?: {
        runAsNonRoot?: boolean;
        runAsUser?: number;
        seccompProfile?: { type?: string };
    };
    affinity?: { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown[]; preferredDuringSchedulingIgnoredDuringExecution?: unknown[] } };
    topologySpreadConstraints?: unknown[];
}

/** A pod template (or, for a Pod, the pod itself). */
export interface PodTemplate {
    metadata?: ObjectMeta;
    spec?: PodSpec;
}

/** A container with where it sits, for messages (`container "web"`, `init container "migrate"`). */
export interface PlacedContainer {
    container: Container;
    kind: "container" | "init container" | "ephemeral container";
    /** `container "web"`: what a violation message names. */
    label: string;
}

/** A workload's replica count and selector, as far as the availability rules need them. */
export interface WorkloadSpec {
    replicas?: number;
    selector?: LabelSelector;
}

/** True when the type carries a pod spec. */
export function isPodBearing(type: string): boolean {
    return POD_BEARING_TYPES.includes(type);
}

/** The pod template of a Pod-bearing resource, or `undefined` for any other type. */
export function podTemplateOf(type: string, props: Record<string, unknown>): PodTemplate | undefined {
    if (!isPodBearing(type)) {
        return undefined;
    }
    const path = TEMPLATE_PATH[type];
    if (path === undefined) {
        return props as PodTemplate;
    }
    let node: unknown = props;
    for (const key of path) {
        node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    }
    return (node ?? {}) as PodTemplate;
}

/** The pod spec of a Pod-bearing resource (`{}` when absent), or `undefined` for any other type. */
export function podSpecOf(type: string, props: Record<string, unknown>): PodSpec | undefined {
    const template = podTemplateOf(type, props);
    return template === undefined ? undefined : (template.spec ?? {});
}

/** Every container of a pod spec; `withInit` adds init containers, `withEphemeral` debug containers. */
export function containersOf(spec: PodSpec, opts: { withInit?: boolean; withEphemeral?: boolean } = {}): PlacedContainer[] {
    const place = (list: Container[] | undefined, kind: PlacedContainer["kind"]): PlacedContainer[] =>
        (list ?? []).map((container, i) => ({ container, kind, label: `${kind} "${container.name ?? `#${i}`}"` }));
    return [
        ...place(spec.containers, "container"),
        ...((opts.withInit ?? true) ? place(spec.initContainers, "init container") : []),
        ...((opts.withEphemeral ?? false) ? place(spec.ephemeralContainers, "ephemeral container") : []),
    ];
}

/** Metadata of any Kubernetes resource's props. */
export function metadataOf(props: Record<string, unknown>): ObjectMeta {
    const meta = props.metadata;
    return meta !== null && typeof meta === "object" ? (meta as ObjectMeta) : {};
}

/**
 * The namespace a namespaced resource lands in: its own `metadata.namespace`, else its provider's
 * `namespace`, else the API server's `default`.
 */
export function namespaceOf(props: Record<string, unknown>, provider?: { props: Record<string, unknown> }): string {
    const own = metadataOf(props).namespace;
    if (typeof own === "string" && own !== "") {
        return own;
    }
    const fromProvider = provider?.props?.namespace;
    return typeof fromProvider === "string" && fromProvider !== "" ? fromProvider : "default";
}

/** The replica count of a Deployment/StatefulSet/ReplicaSet, with the API default of 1. */
export function replicasOf(props: Record<string, unknown>): number {
    const spec = (props.spec ?? {}) as WorkloadSpec;
    return typeof spec.replicas === "number" ? spec.replicas : 1;
}

/** The label that marks the App Router's namespace. */
export const ROLE_LABEL = "containercloud.io/role";

/**
 * The label, and its value, that marks a namespace as the platform's own, and Kubernetes' own
 * namespaces: every other namespace is a tenant's. The same as components/core/tenant-rules.ts
 * (the admission rules' exemptions); test/core/tenant-rules.test.ts holds them equal.
 */
export const NAMESPACE_OWNER_LABEL = "containercloud.io/namespace-owner";
export const PLATFORM_NAMESPACE_OWNER = "platform";
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

/** A resource as a stack policy sees it, reduced to what these helpers read. */
interface StackResource {
    type: string;
    props: Record<string, unknown>;
    provider?: { props: Record<string, unknown> };
}

/**
 * The tenant namespaces of the stack: every Namespace that is not explicitly the platform's
 * (`containercloud.io/namespace-owner: platform`) or Kubernetes' own. Keying on an opt-in label
 * instead would let a namespace created without it escape the tenant rules.
 */
export function tenantNamespaces<R extends StackResource>(resources: readonly R[]): R[] {
    return resources.filter((r) => {
        if (r.type !== TYPES.namespace) {
            return false;
        }
        const meta = metadataOf(r.props);
        return meta.labels?.[NAMESPACE_OWNER_LABEL] !== PLATFORM_NAMESPACE_OWNER && !SYSTEM_NAMESPACES.includes(String(meta.name ?? ""));
    });
}

/** Resources of `type` whose namespace is `namespace`. */
export function inNamespace<R extends StackResource>(resources: readonly R[], type: string, namespace: string): R[] {
    return resources.filter((r) => r.type === type && namespaceOf(r.props, r.provider) === namespace);
}
