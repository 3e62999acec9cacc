/**
 * kube-network-policies (Kubernetes SIG Network): the NetworkPolicy agent beside Flannel, which only
 * moves packets and enforces no policy. On each node it sends the first packet of every new
 * connection to a pod through nfqueue and judges it against the NetworkPolicies that select the
 * pod; established connections are not queued again. Routing and Services stay with Flannel and
 * kube-proxy.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CommonArgs, ResourceRequirements } from "../core/types";
import { standardLabels, selectorLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { KUBE_NETWORK_POLICIES_IMAGE } from "../versions";
import { policyExemptionAnnotation } from "../core/policy-exemptions";

/** Arguments of `KubeNetworkPolicies`. */
export interface KubeNetworkPoliciesArgs extends CommonArgs {
    /** Namespace to run in; must allow privileged pods. */
    namespace: pulumi.Input<string>;
    /** Container resources. @default requests 50m/64Mi, limits 500m/256Mi */
    resources?: ResourceRequirements;
    /** Image. @default KUBE_NETWORK_POLICIES_IMAGE */
    image?: string;
    /**
     * Let traffic through while the agent is down (restarting, upgrading). Off, a node's pods are
     * unreachable whenever its agent is.
     * @default false: the platform's isolation holds through an agent restart
     */
    failOpen?: boolean;
}

/** The port of the agent's metrics. */
export const KUBE_NETWORK_POLICIES_METRICS_PORT = 9080;

/** The agent's flags: its node, its nfqueue, its metrics port, and whether it fails open. */
export function kubeNetworkPoliciesArgs(failOpen: boolean): string[] {
    return [
        "--hostname-override=$(MY_NODE_NAME)",
        "--nfqueue-id=98",
        `--fail-open=${failOpen}`,
        // Established connections are not judged again when a policy changes, as with most
        // enforcers; the build this project makes cannot label connections (tools/go/kube-network-policies).
        "--strict-mode=false",
        `--metrics-bind-address=:${KUBE_NETWORK_POLICIES_METRICS_PORT}`,
        "--v=2",
    ];
}

/** A kube-network-policies DaemonSet with the RBAC it needs to watch policies, pods and namespaces. */
export class KubeNetworkPolicies extends pulumi.ComponentResource {
    /** The DaemonSet. */
    public readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: KubeNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:network:KubeNetworkPolicies", name, {}, opts);
        const res = args.resources ?? resources("50m", "64Mi", "500m", "256Mi");
        const image = mirrorImage(args.image ?? KUBE_NETWORK_POLICIES_IMAGE, args.imageMirror);
        const labels = standardLabels("kube-network-policies", "network-policy", args.labels ?? {});
        const selector = selectorLabels("kube-network-policies", "network-policy");

        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: "kube-network-policies", namespace: args.namespace, labels },
        }, { parent: this });
        const role = new k8s.rbac.v1.ClusterRole(`${name}-role`, {
            metadata: { name: "containercloud-kube-network-policies", labels },
            rules: [
                { apiGroups: [""], resources: ["namespaces", "pods", "nodes"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] },
            ],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-binding`, {
            metadata: { name: "containercloud-kube-network-policies", labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: args.namespace }],
        }, { parent: this });

        this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}`, {
            metadata: {
                name: "kube-network-policies",
                namespace: args.namespace,
                labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-host-network", reason: "writes nftables rules and reads nfqueue in the node's network namespace" },
                    { rule: "no-privileged-containers", reason: "judges the packets of every pod on the node through netfilter" },
                    { rule: "no-host-path-volumes", reason: "reads the node's pod network namespaces and the container runtime's NRI socket" },
                    { rule: "run-as-non-root", reason: "netfilter and nfqueue need root in the node's network namespace" },
                    { rule: "no-privilege-escalation", reason: "a privileged container always allows privilege escalation" },
                    { rule: "restricted-capabilities", reason: "netfilter and nfqueue need NET_ADMIN, which a privileged container has" },
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
                            name: "kube-network-policies",
                            image,
                            command: ["/bin/netpol"],
                            args: kubeNetworkPoliciesArgs(args.failOpen ?? false),
                            env: [{ name: "MY_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                            securityContext: { privileged: true, readOnlyRootFilesystem: true },
                            resources: { requests: { ...res.requests }, limits: { ...res.limits } },
                            ports: [{ name: "metrics", containerPort: KUBE_NETWORK_POLICIES_METRICS_PORT }],
                            readinessProbe: { httpGet: { path: "/metrics", port: KUBE_NETWORK_POLICIES_METRICS_PORT }, periodSeconds: 10 },
                            livenessProbe: { tcpSocket: { port: KUBE_NETWORK_POLICIES_METRICS_PORT }, initialDelaySeconds: 10, periodSeconds: 20 },
                            volumeMounts: [
                                { name: "nri-plugin", mountPath: "/var/run/nri" },
                                { name: "netns", mountPath: "/var/run/netns", mountPropagation: "HostToContainer" },
                            ],
                        }],
                        volumes: [
                            { name: "nri-plugin", hostPath: { path: "/var/run/nri" } },
                            { name: "netns", hostPath: { path: "/var/run/netns" } },
                        ],
                    },
                },
            },
        }, { parent: this });
        this.registerOutputs({});
    }
}
