/**
 * Manage System: the administrators' UI. Headlamp (a maintained Kubernetes web UI) at
 * `console.<domain>`, with admin (cluster-admin) and read-only (view) access by group, and one
 * ServiceAccount per access level whose token logs in where no OIDC is set up.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { HEADLAMP_IMAGE } from "../versions";
import { platformHosts, renderIngressSpec } from "./app-router";
import {
    TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, haAffinity, platformReplicas,
    restrictedContainerSecurityContext, restrictedPodSecurityContext,
    singleCheckProbes,
} from "./workload";

/** What `ManageSystem` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function manageSystemDefaults(env: Environment): { replicas: number } {
    return { replicas: platformReplicas(env) };
}

/** Arguments of `ManageSystem`. */
export interface ManageSystemArgs extends CommonArgs {
    /** Base domain: the console is `console.<domain>`. */
    domain: string;
    /** Namespace. @default "containercloud-console" */
    namespace?: string;
    /** IngressClass of the App Router; no Ingress when undefined. @default undefined */
    ingressClassName?: string;
    /** Groups with full access (cluster-admin). @default [] */
    adminGroups?: string[];
    /** Groups with read-only access (view). @default [] */
    viewerGroups?: string[];
    /** Replicas. @default manageSystemDefaults(environment).replicas: 2 in staging/prod, 1 elsewhere */
    replicas?: number;
    /** Resources. @default 50m/128Mi requests, 500m/256Mi limits */
    resources?: ResourceRequirements;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Subjects of a binding: the groups and one ServiceAccount. */
export function bindingSubjects(groups: string[], serviceAccount: { name: pulumi.Input<string>; namespace: pulumi.Input<string> }): k8s.types.input.rbac.v1.Subject[] {
    return [
        ...groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
        { kind: "ServiceAccount", name: serviceAccount.name, namespace: serviceAccount.namespace },
    ];
}

/** Manage System: Headlamp, its access bindings and its route. */
export class ManageSystem extends pulumi.ComponentResource {
    /** Console URL. */
    public readonly url: string;
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** What the console reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: ManageSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:ManageSystem", name, {}, opts);
        const env = args.environment;
        const replicas = args.replicas ?? manageSystemDefaults(env).replicas;
        const res = args.resources ?? resources("50m", "128Mi", "500m", "256Mi");
        const host = platformHosts(args.domain).console;
        const labels = standardLabels("headlamp", "manage-system", args.labels);
        const selector = selectorLabels("headlamp", "manage-system");

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: args.namespace ?? "containercloud-console", labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        const meta = (n: string) => ({ name: n, namespace, labels });
        // the console's web port, for the router
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels, openPorts: ["http"] }, { parent: this });

        // Headlamp itself only serves the UI; users act with their own token, so its own SA has no rights.
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta("headlamp"), automountServiceAccountToken: false }, { parent: this });
        const levels: [string, string, string[]][] = [
            ["admin", "cluster-admin", args.adminGroups ?? []],
            ["viewer", "view", args.viewerGroups ?? []],
        ];
        for (const [level, clusterRole, groups] of levels) {
            const loginSa = new k8s.core.v1.ServiceAccount(`${name}-${level}-sa`, { metadata: meta(`console-${level}`) }, { parent: this });
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-${level}`, {
                metadata: { name: `containercloud:console-${level}`, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
                subjects: bindingSubjects(groups, { name: loginSa.metadata.name, namespace }),
            }, { parent: this });
        }

        const svc = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: meta("headlamp"),
            spec: { selector, ports: [{ name: "http", port: 80, targetPort: "http" }] },
        }, { parent: this });

        new k8s.apps.v1.Deployment(`${name}-headlamp`, {
            metadata: meta("headlamp"),
            spec: {
                replicas,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: sa.metadata.name,
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(100),
                        affinity: haAffinity(env, selector),
                        containers: [{
                            name: "headlamp",
                            image: mirrorImage(HEADLAMP_IMAGE, args.imageMirror),
                            args: ["-in-cluster", "-plugins-dir=/headlamp/plugins", "-port=4466"],
                            ports: [{ name: "http", containerPort: 4466 }],
                            resources: containerResources(res),
                            securityContext: restrictedContainerSecurityContext(),
                            ...singleCheckProbes({ httpGet: { path: "/", port: "http" }, periodSeconds: 10 }, "http", { periodSeconds: 20, initialDelaySeconds: 10 }),
                            volumeMounts: [TMP_MOUNT],
                        }],
                        volumes: [TMP_VOLUME],
                    },
                },
            },
        }, { parent: this });
        if (replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: meta("headlamp"),
                spec: { minAvailable: 1, selector: { matchLabels: selector } },
            }, { parent: this });
        }
        if (args.ingressClassName) {
            new k8s.networking.v1.Ingress(`${name}-ingress`, {
                metadata: meta("headlamp"),
                spec: renderIngressSpec(args.ingressClassName, [{ host, paths: ["/"], serviceName: svc.metadata.name, servicePort: 80, tls: true }]),
            }, { parent: this });
        }

        this.url = `https://${host}`;
        this.namespaceName = namespace;
        this.footprint = [{ module: "manage-system", name: "headlamp", replicas, containers: [res] }];
        this.registerOutputs({ url: this.url, namespaceName: this.namespaceName });
    }
}
