/**
 * Pure building blocks every App Engine workload shares: the restricted security context,
 * placement (HA anti-affinity, topology spread, node roles), the writable /tmp, and the
 * per-environment footprint record the resource audit sums.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { Environment, ResourceRequirements, isHighlyAvailable } from "../core/types";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type Probe = k8s.types.input.core.v1.Probe;

/** Arguments of `governingService`. */
export interface GoverningServiceArgs {
    /** Service name, the StatefulSet's `serviceName`. */
    name: pulumi.Input<string>;
    /** Namespace of the StatefulSet. */
    namespace: pulumi.Input<string>;
    /** Labels of the Service. */
    labels: Record<string, string>;
    /** The StatefulSet's pod selector. */
    selector: Record<string, string>;
    /** Ports, as the StatefulSet's pods serve them. */
    ports: k8s.types.input.core.v1.ServicePort[];
}

/**
 * The headless Service a StatefulSet names as its governing Service (`serviceName`): it gives each
 * pod its DNS name. A ClusterIP Service beside it is what clients use.
 */
export function governingService(resourceName: string, a: GoverningServiceArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Service {
    return new k8s.core.v1.Service(resourceName, {
        metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
        spec: { clusterIP: "None", selector: a.selector, ports: a.ports },
    }, opts);
}

/** The timing fields of a probe, without its handler. */
export type ProbeTiming = Pick<Probe, "initialDelaySeconds" | "periodSeconds" | "failureThreshold" | "timeoutSeconds">;

/**
 * Readiness and liveness of a program that serves one health check: readiness runs the check (the
 * pod leaves its Services while it fails), liveness only opens a TCP connection to `port` (the pod
 * is restarted only once the process stops accepting connections), so a check that fails on a slow
 * dependency takes the pod out of traffic without restarting it. The same check as both restarts
 * every replica at once when a shared dependency is slow (kube-score's "Pod Probes Identical").
 */
export function singleCheckProbes(readiness: Probe, port: number | string, liveness: ProbeTiming): { readinessProbe: Probe; livenessProbe: Probe } {
    return { readinessProbe: readiness, livenessProbe: { tcpSocket: { port }, ...liveness } };
}

/** Label key of node roles (`storage`, `edge`, `worker`) and of the matching taint. */
export const NODE_ROLE_LABEL = "containercloud.io/node-role";

/** Container security context of the Pod Security `restricted` profile with a read-only root. */
export function restrictedContainerSecurityContext(): SecurityContext {
    return {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Pod security context: non-root, RuntimeDefault seccomp, and `fsGroup` so volumes are writable. */
export function restrictedPodSecurityContext(uid = 10001, fsGroup?: number): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: fsGroup ?? uid,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The emptyDir volume every read-only-root container gets at /tmp. */
export const TMP_VOLUME = { name: "tmp", emptyDir: { sizeLimit: "256Mi" } };
/** Mount of `TMP_VOLUME`. */
export const TMP_MOUNT = { name: "tmp", mountPath: "/tmp" };

/** Replicas of a platform workload: `ha` in staging/prod, 1 elsewhere. */
export function platformReplicas(env: Environment, ha = 2): number {
    return isHighlyAvailable(env) ? ha : 1;
}

/**
 * Pod placement for a platform workload: required anti-affinity on the host in HA
 * environments (replicas never share a node), nothing elsewhere.
 */
export function haAffinity(env: Environment, selector: Record<string, string>): k8s.types.input.core.v1.Affinity | undefined {
    if (!isHighlyAvailable(env)) {
        return undefined;
    }
    return {
        podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" }],
        },
    };
}

/**
 * Topology spread for app pods: over hosts in every environment, so an app of two or more
 * instances keeps one when a node is lost; over zones too in staging and prod. Both schedule
 * anyway when they cannot be met (a one-node or one-zone cluster still runs).
 */
export function topologySpread(env: Environment, selector: Record<string, string>): PodSpec["topologySpreadConstraints"] {
    // Staging runs prod's shape so the availability rules are exercised before promotion.
    const keys = env === "prod" || env === "staging" ? ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] : ["kubernetes.io/hostname"];
    return keys.map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector },
    }));
}

/**
 * Seconds an app's pod stays bound to a node that stopped answering before Kubernetes evicts it
 * and its Deployment starts it elsewhere (Kubernetes' own default is 300). An app pod is
 * stateless, so a lost node's apps move about 40 s (the node controller's grace period) + 30 s
 * after it stops.
 */
export const APP_NODE_LOSS_SECONDS = 30;

/** An app pod's tolerations of the unreachable and not-ready taints, for APP_NODE_LOSS_SECONDS. */
export function nodeLossTolerations(): k8s.types.input.core.v1.Toleration[] {
    return ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"].map((key) => ({
        key, operator: "Exists", effect: "NoExecute", tolerationSeconds: APP_NODE_LOSS_SECONDS,
    }));
}

/** How strictly a workload sticks to its node role. */
export type RolePlacement = "required" | "preferred" | "none";

/**
 * Node affinity and toleration for a node role. `required` pins the pods to nodes labelled
 * with the role; `preferred` only prefers them (for clusters that label no nodes, e.g. a
 * local one); both tolerate the role's NoSchedule taint.
 */
export function rolePlacement(role: string, placement: RolePlacement): { affinity?: k8s.types.input.core.v1.Affinity; tolerations?: k8s.types.input.core.v1.Toleration[] } {
    if (placement === "none") {
        return {};
    }
    const term = { matchExpressions: [{ key: NODE_ROLE_LABEL, operator: "In", values: [role] }] };
    return {
        affinity: {
            nodeAffinity: placement === "required"
                ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } }
                : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: term }] },
        },
        tolerations: [{ key: NODE_ROLE_LABEL, operator: "Equal", value: role, effect: "NoSchedule" }],
    };
}

/** Merges two affinities (node affinity from one, pod anti-affinity from the other). */
export function mergeAffinity(
    a: k8s.types.input.core.v1.Affinity | undefined,
    b: k8s.types.input.core.v1.Affinity | undefined,
): k8s.types.input.core.v1.Affinity | undefined {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return { ...a, ...b };
}

/** A container's `resources` block (the core type as the plain map the Kubernetes types want). */
export function containerResources(r: ResourceRequirements): k8s.types.input.core.v1.ResourceRequirements {
    return { requests: { cpu: r.requests.cpu, memory: r.requests.memory }, limits: { cpu: r.limits.cpu, memory: r.limits.memory } };
}

/** What one workload reserves: the resource audit sums these. */
export interface WorkloadFootprint {
    /** Module that deploys it, e.g. `app-router`. */
    module: string;
    /** Workload name. */
    name: string;
    /** Pods (for a DaemonSet: per node, and `perNode` is true). */
    replicas: number;
    /** True for DaemonSets: multiply by the node count. */
    perNode?: boolean;
    /** Requests and limits of every container of one pod, init containers included. */
    containers: ResourceRequirements[];
    /** Persistent storage per pod, e.g. `10Gi`. */
    storage?: string;
    /** Team whose quota it counts against; undefined for the platform's own workloads. */
    team?: string;
}
