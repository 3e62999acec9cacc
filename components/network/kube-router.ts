/**
 * kube-router in firewall-only mode: it enforces NetworkPolicy (with iptables and ipsets) next to
 * Flannel, which only moves packets and enforces no policy. Routing and the service proxy stay with
 * Flannel and kube-proxy.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CommonArgs, ResourceRequirements } from "../core/types";
import { standardLabels, selectorLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { KUBE_ROUTER_IMAGE } from "../versions";
import { policyExemptionAnnotation } from "../core/policy-exemptions";

/** Arguments of `KubeRouter`. */
export interface KubeRouterArgs extends CommonArgs {
    /** Namespace to run in; must allow privileged pods. */
    namespace: pulumi.Input<string>;
    /** Container resources. @default requests 50m/64Mi, limits 500m/256Mi */
    resources?: ResourceRequirements;
    /** Image. @default KUBE_ROUTER_IMAGE */
    image?: string;
}

/** The flags that run kube-router as a NetworkPolicy firewall only. */
export function kubeRouterArgs(): string[] {
    return ["--run-firewall=true", "--run-router=false", "--run-service-proxy=false", "--metrics-port=20241"];
}

/** A kube-router DaemonSet (firewall only) with the RBAC it needs to watch policies, pods and namespaces. */
export class KubeRouter extends pulumi.ComponentResource {
    /** The DaemonSet. */
    public readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: KubeRouterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:network:KubeRouter", name, {}, opts);
        const res = args.resources ?? resources("50m", "64Mi", "500m", "256Mi");
        const image = mirrorImage(args.image ?? KUBE_ROUTER_IMAGE, args.imageMirror);
        const labels = standardLabels("kube-router", "network-policy", args.labels ?? {});
        const selector = selectorLabels("kube-router", "network-policy");

        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: "kube-router", namespace: args.namespace, labels },
        }, { parent: this });
        const role = new k8s.rbac.v1.ClusterRole(`${name}-role`, {
            metadata: { name: "containercloud-kube-router", labels },
            rules: [
                { apiGroups: [""], resources: ["namespaces", "pods", "services", "nodes", "endpoints"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
            ],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-binding`, {
            metadata: { name: "containercloud-kube-router", labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: args.namespace }],
        }, { parent: this });

        this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}`, {
            metadata: {
                name: "kube-router",
                namespace: args.namespace,
                labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-host-network", reason: "programs iptables and ipsets in the node's network namespace" },
                    { rule: "no-privileged-containers", reason: "loads kernel modules and writes netfilter rules for every pod on the node" },
                    { rule: "no-host-path-volumes", reason: "mounts /lib/modules and the node's xtables lock" },
                    { rule: "run-as-non-root", reason: "iptables and ipset need root in the node's network namespace" },
                    { rule: "read-only-root-filesystem", reason: "iptables-save/restore write temporary files" },
                    { rule: "no-privilege-escalation", reason: "a privileged container always allows privilege escalation" },
                ]),
            },
            spec: {
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                template: {
                    metadata: { labels: { ...labels, ...selector } },
                    spec: {
                        serviceAccountName: sa.metadata.name,
                        hostNetwork: true,
                        priorityClassName: "system-node-critical",
                        tolerations: [{ operator: "Exists" }],
                        nodeSelector: { "kubernetes.io/os": "linux" },
                        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                        containers: [{
                            name: "kube-router",
                            image,
                            args: kubeRouterArgs(),
                            env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                            securityContext: { privileged: true },
                            resources: { requests: { ...res.requests }, limits: { ...res.limits } },
                            ports: [{ name: "metrics", containerPort: 20241 }],
                            livenessProbe: { httpGet: { path: "/healthz", port: 20244 }, initialDelaySeconds: 10, periodSeconds: 10 },
                            readinessProbe: { httpGet: { path: "/healthz", port: 20244 }, periodSeconds: 10 },
                            volumeMounts: [
                                { name: "lib-modules", mountPath: "/lib/modules", readOnly: true },
                                { name: "xtables-lock", mountPath: "/run/xtables.lock" },
                            ],
                        }],
                        volumes: [
                            { name: "lib-modules", hostPath: { path: "/lib/modules" } },
                            { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                        ],
                    },
                },
            },
        }, { parent: this });
        this.registerOutputs({});
    }
}
