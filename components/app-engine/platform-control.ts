/**
 * Platform Control, the control centre: resource metrics for elastic scaling (metrics-server and
 * its APIService), scheduling priorities (platform above apps), node roles, and the resource
 * audit (requested vs quota per team, and the platform's own footprint).
 *
 * Per-team quotas themselves come from tenancy (`TenantNamespace`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { formatBytes, formatMillicores, parseBytes, parseMillicores, resources } from "../core/resources";
import { METRICS_SERVER_IMAGE } from "../versions";
import { TenantQuota } from "../tenancy/tenant-namespace";
import {
    NODE_ROLE_LABEL, TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, haAffinity, platformReplicas,
    restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from "./workload";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** PriorityClass names: platform pods are scheduled (and kept) before app pods. */
export const PRIORITY_CLASSES = {
    /** The router and metrics: without them no app is reachable or scalable. */
    platformCritical: "containercloud-platform-critical",
    /** The other platform modules. */
    platform: "containercloud-platform",
    /** Tenant apps and their backing services. */
    apps: "containercloud-apps",
} as const;

/** PriorityClass values, highest first (system-* classes of Kubernetes stay above all). */
export function renderPriorityClasses(): { name: string; value: number; description: string }[] {
    return [
        { name: PRIORITY_CLASSES.platformCritical, value: 100000, description: "Platform traffic and scaling: App Router, metrics-server." },
        { name: PRIORITY_CLASSES.platform, value: 10000, description: "Platform modules: monitoring, logs, console, code center." },
        { name: PRIORITY_CLASSES.apps, value: 1000, description: "Tenant apps and their backing services." },
    ];
}

/** The node roles of the platform. */
export type NodeRole = "storage" | "edge" | "worker";

/**
 * Labels and taints a node of a role carries. Storage and edge nodes are tainted so only the
 * workloads that tolerate them (Ceph, the router) land there; worker nodes take everything else.
 */
export function nodeRoleSpec(role: NodeRole): { labels: Record<string, string>; taints: { key: string; value: string; effect: string }[] } {
    return {
        labels: { [NODE_ROLE_LABEL]: role, [`node-role.kubernetes.io/${role}`]: "" },
        taints: role === "worker" ? [] : [{ key: NODE_ROLE_LABEL, value: role, effect: "NoSchedule" }],
    };
}

/**
 * kubectl commands that give nodes their roles. Nodes belong to the cluster's provisioner, not
 * to this program (patching them here would fight it and could cordon a live node), so the
 * platform publishes the commands as a stack output instead. Nodes in stable order.
 */
export function nodeRoleCommands(assignments: Record<string, NodeRole>): string[] {
    const out: string[] = [];
    for (const node of Object.keys(assignments).sort()) {
        const spec = nodeRoleSpec(assignments[node]);
        const labels = Object.entries(spec.labels).map(([k, v]) => `${k}=${v}`).join(" ");
        out.push(`kubectl label node ${node} --overwrite ${labels}`);
        for (const t of spec.taints) {
            out.push(`kubectl taint node ${node} --overwrite ${t.key}=${t.value}:${t.effect}`);
        }
    }
    return out;
}

/** CPU and memory sums, as quantities. */
export interface ResourceSum {
    /** CPU, e.g. `1500m`. */
    cpu: string;
    /** Memory, e.g. `3Gi`. */
    memory: string;
}

/** Result of `auditResources`. */
export interface ResourceAudit {
    /** The platform's own footprint (everything without a team). */
    platform: { requests: ResourceSum; limits: ResourceSum; storage: string; byModule: Record<string, { requests: ResourceSum; limits: ResourceSum }> };
    /** Per team: what its apps and services request at minimum scale vs its namespace quota. */
    teams: Record<string, {
        requests: ResourceSum;
        limits: ResourceSum;
        quota?: { requestsCpu: string; requestsMemory: string; limitsCpu: string; limitsMemory: string };
        /** Percent of the request quota used (CPU, memory). */
        used?: { cpu: number; memory: number };
        /** False when the apps cannot all be scheduled within the quota. */
        fits: boolean;
    }>;
}

interface Acc { rc: number; rm: number; lc: number; lm: number; st: number }

function add(acc: Acc, f: WorkloadFootprint, nodeCount: number): void {
    const n = f.perNode ? f.replicas * nodeCount : f.replicas;
    for (const c of f.containers) {
        acc.rc += n * parseMillicores(c.requests.cpu);
        acc.rm += n * parseBytes(c.requests.memory);
        acc.lc += n * parseMillicores(c.limits.cpu);
        acc.lm += n * parseBytes(c.limits.memory);
    }
    if (f.storage) {
        acc.st += n * parseBytes(f.storage);
    }
}

const sum = (cpu: number, mem: number): ResourceSum => ({ cpu: formatMillicores(cpu), memory: formatQuantityBytes(mem) });

/** Bytes as the largest binary unit that keeps the value whole, falling back to Mi with decimals. */
function formatQuantityBytes(b: number): string {
    const exact = formatBytes(b);
    return /[KMGTP]i$/.test(exact) || b === 0 ? exact : `${Math.ceil(b / 2 ** 20)}Mi`;
}

/**
 * Sums requests and limits: the platform's footprint (workloads without a team) by module, and
 * each team's use against its quota. DaemonSets count once per node.
 */
export function auditResources(footprints: WorkloadFootprint[], quotas: Record<string, TenantQuota> = {}, nodeCount = 1): ResourceAudit {
    const platform: Acc = { rc: 0, rm: 0, lc: 0, lm: 0, st: 0 };
    const byModule: Record<string, Acc> = {};
    const teams: Record<string, Acc> = {};
    for (const f of footprints) {
        if (f.team === undefined) {
            add(platform, f, nodeCount);
            add((byModule[f.module] ??= { rc: 0, rm: 0, lc: 0, lm: 0, st: 0 }), f, nodeCount);
        } else {
            add((teams[f.team] ??= { rc: 0, rm: 0, lc: 0, lm: 0, st: 0 }), f, nodeCount);
        }
    }
    for (const team of Object.keys(quotas)) {
        teams[team] ??= { rc: 0, rm: 0, lc: 0, lm: 0, st: 0 };
    }
    const out: ResourceAudit = {
        platform: {
            requests: sum(platform.rc, platform.rm),
            limits: sum(platform.lc, platform.lm),
            storage: formatQuantityBytes(platform.st),
            byModule: Object.fromEntries(Object.keys(byModule).sort().map((m) => [m, { requests: sum(byModule[m].rc, byModule[m].rm), limits: sum(byModule[m].lc, byModule[m].lm) }])),
        },
        teams: {},
    };
    for (const team of Object.keys(teams).sort()) {
        const t = teams[team];
        const q = quotas[team];
        const entry: ResourceAudit["teams"][string] = { requests: sum(t.rc, t.rm), limits: sum(t.lc, t.lm), fits: true };
        if (q) {
            entry.quota = { requestsCpu: q.requestsCpu, requestsMemory: q.requestsMemory, limitsCpu: q.limitsCpu, limitsMemory: q.limitsMemory };
            entry.used = {
                cpu: Math.round((100 * t.rc) / parseMillicores(q.requestsCpu)),
                memory: Math.round((100 * t.rm) / parseBytes(q.requestsMemory)),
            };
            entry.fits = t.rc <= parseMillicores(q.requestsCpu) && t.rm <= parseBytes(q.requestsMemory)
                && t.lc <= parseMillicores(q.limitsCpu) && t.lm <= parseBytes(q.limitsMemory);
        }
        out.teams[team] = entry;
    }
    return out;
}

/** What `PlatformControl` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function platformControlDefaults(env: Environment): { replicas: number; kubeletInsecureTls: boolean; metricsApiService: boolean } {
    // local: the kubelets serve certificates of the cluster CA (scripts/lib/control-plane.ts), so
    // metrics-server verifies them; dev and staging clusters may have self-signed kubelet certificates.
    return { replicas: platformReplicas(env), kubeletInsecureTls: env !== "prod" && env !== "local", metricsApiService: true };
}

/** Arguments of `PlatformControl`. */
export interface PlatformControlArgs extends CommonArgs {
    /** Namespace of metrics-server. @default "containercloud-control" */
    namespace?: string;
    /** Deploy metrics-server (HPA needs it). @default true */
    metricsServer?: boolean;
    /**
     * Register the `v1beta1.metrics.k8s.io` APIService. Off where no metrics-server can really
     * answer (a simulated cluster): an APIService that never becomes available breaks API
     * discovery and blocks namespace deletion. @default platformControlDefaults(environment).metricsApiService: true
     */
    metricsApiService?: boolean;
    /** metrics-server replicas. @default platformControlDefaults(environment).replicas: 2 in staging/prod, 1 elsewhere */
    replicas?: number;
    /** metrics-server resources. @default 50m/64Mi requests, 500m/256Mi limits */
    resources?: ResourceRequirements;
    /**
     * Skip verifying kubelet serving certificates. Needed where kubelets have self-signed serving
     * certificates (kind, kwok, most dev clusters). @default platformControlDefaults(environment).kubeletInsecureTls: true in dev and staging
     */
    kubeletInsecureTls?: boolean;
}

/** Platform Control: metrics-server, PriorityClasses, and the node-role and audit helpers. */
export class PlatformControl extends pulumi.ComponentResource {
    /** PriorityClass names for the other modules. */
    public readonly priorityClasses: typeof PRIORITY_CLASSES;
    /** Namespace of the control components. */
    public readonly namespaceName: pulumi.Output<string>;
    /** What metrics-server reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: PlatformControlArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:PlatformControl", name, {}, opts);
        const env = args.environment;
        const nsName = args.namespace ?? "containercloud-control";
        const defaults = platformControlDefaults(env);
        const replicas = args.replicas ?? defaults.replicas;
        const res = args.resources ?? resources("50m", "64Mi", "500m", "256Mi");
        const insecure = args.kubeletInsecureTls ?? defaults.kubeletInsecureTls;
        const labels = standardLabels("metrics-server", "platform-control", args.labels);
        const selector = selectorLabels("metrics-server", "platform-control");

        for (const pc of renderPriorityClasses()) {
            new k8s.scheduling.v1.PriorityClass(`${name}-${pc.name}`, {
                metadata: { name: pc.name, labels: standardLabels(pc.name, "platform-control", args.labels) },
                value: pc.value,
                globalDefault: false,
                preemptionPolicy: "PreemptLowerPriority",
                description: pc.description,
            }, { parent: this });
        }

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // the API server reaches metrics-server's aggregated API, which authenticates it
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels, openPorts: ["https"] }, { parent: this });
        this.footprint = [];

        if (args.metricsServer ?? true) {
            const meta = { name: "metrics-server", namespace, labels };
            const sa = new k8s.core.v1.ServiceAccount(`${name}-metrics-sa`, { metadata: meta }, { parent: this });
            const subject = [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }];
            new k8s.rbac.v1.ClusterRole(`${name}-metrics-reader`, {
                metadata: {
                    name: "containercloud:aggregated-metrics-reader",
                    labels: { ...labels, "rbac.authorization.k8s.io/aggregate-to-view": "true", "rbac.authorization.k8s.io/aggregate-to-edit": "true", "rbac.authorization.k8s.io/aggregate-to-admin": "true" },
                },
                rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
            }, { parent: this });
            const cr = new k8s.rbac.v1.ClusterRole(`${name}-metrics-cr`, {
                metadata: { name: "containercloud:metrics-server", labels },
                rules: [
                    { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
                    { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
                ],
            }, { parent: this });
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-metrics-crb`, {
                metadata: { name: "containercloud:metrics-server", labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: cr.metadata.name },
                subjects: subject,
            }, { parent: this });
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-metrics-auth-delegator`, {
                metadata: { name: "containercloud:metrics-server:system:auth-delegator", labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
                subjects: subject,
            }, { parent: this });
            // An aggregated API server reads the front proxy's CA from this kube-system ConfigMap.
            new k8s.rbac.v1.RoleBinding(`${name}-metrics-auth-reader`, {
                metadata: { name: "containercloud-metrics-server-auth-reader", namespace: "kube-system", labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "extension-apiserver-authentication-reader" },
                subjects: subject,
            }, { parent: this });
            const svc = new k8s.core.v1.Service(`${name}-metrics-svc`, {
                metadata: meta,
                spec: { selector, ports: [{ name: "https", port: 443, targetPort: "https" }] },
            }, { parent: this });
            const deployment = new k8s.apps.v1.Deployment(`${name}-metrics-server`, {
                metadata: meta,
                spec: {
                    replicas,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: sa.metadata.name,
                            priorityClassName: PRIORITY_CLASSES.platformCritical,
                            securityContext: restrictedPodSecurityContext(1000),
                            affinity: haAffinity(env, selector),
                            containers: [{
                                name: "metrics-server",
                                image: mirrorImage(METRICS_SERVER_IMAGE, args.imageMirror),
                                args: [
                                    "--cert-dir=/tmp",
                                    "--secure-port=10250",
                                    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                                    "--kubelet-use-node-status-port",
                                    "--metric-resolution=15s",
                                    ...(insecure ? ["--kubelet-insecure-tls"] : []),
                                ],
                                ports: [{ name: "https", containerPort: 10250 }],
                                resources: containerResources(res),
                                securityContext: restrictedContainerSecurityContext(),
                                readinessProbe: { httpGet: { path: "/readyz", port: "https", scheme: "HTTPS" }, periodSeconds: 10, failureThreshold: 3 },
                                livenessProbe: { httpGet: { path: "/livez", port: "https", scheme: "HTTPS" }, periodSeconds: 10, failureThreshold: 3 },
                                volumeMounts: [TMP_MOUNT],
                            }],
                            volumes: [TMP_VOLUME],
                        },
                    },
                },
            }, { parent: this });
            if (replicas > 1) {
                new k8s.policy.v1.PodDisruptionBudget(`${name}-metrics-pdb`, {
                    metadata: meta,
                    spec: { minAvailable: 1, selector: { matchLabels: selector } },
                }, { parent: this });
            }
            if (args.metricsApiService ?? defaults.metricsApiService) new k8s.apiregistration.v1.APIService(`${name}-metrics-api`, {
                metadata: { name: "v1beta1.metrics.k8s.io", labels },
                spec: {
                    group: "metrics.k8s.io",
                    version: "v1beta1",
                    groupPriorityMinimum: 100,
                    versionPriority: 100,
                    // metrics-server serves a self-signed certificate from --cert-dir.
                    insecureSkipTLSVerify: true,
                    service: { name: svc.metadata.name, namespace, port: 443 },
                },
            }, { parent: this, dependsOn: [deployment] });
            this.footprint.push({ module: "platform-control", name: "metrics-server", replicas, containers: [res] });
        }

        this.priorityClasses = PRIORITY_CLASSES;
        this.namespaceName = namespace;
        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
