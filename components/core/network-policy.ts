/**
 * The NetworkPolicy of a platform namespace (etcd, registry, router, monitoring, ...): who may open
 * connections to its pods. One rule set for every platform namespace, so each component states only
 * the ports it serves to the rest of the cluster.
 *
 * Ingress only: egress stays open (platform pods reach the API server, DNS, each other and the
 * outside), and is declared open so that the policy visibly covers both directions. Kubelet probes
 * come from the node itself and pass (kube-network-policies accepts the node's root traffic).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "./k8s";
import { MONITORING_NAMESPACE_LABELS, PROMETHEUS_POD_LABELS } from "./monitoring";

/** Name of the NetworkPolicy in each platform namespace. */
export const PLATFORM_NETWORK_POLICY_NAME = "platform-ingress";

/** What a platform namespace's NetworkPolicy opens beyond its own namespace and Prometheus. */
export interface PlatformIngress {
    /**
     * Container ports (numbers or port names) that any source may reach: the ones nodes (image pulls),
     * the API server (aggregated APIs, the services proxy), the host or the outside use. Each must
     * authenticate its clients or serve only what anyone may read. @default [] (none)
     */
    openPorts?: (number | string)[];
}

/**
 * The spec: every pod of the namespace accepts connections from the namespace's own pods (members,
 * Jobs, sidecars of one component), from Prometheus on any port (scrapes), and from anywhere on
 * `openPorts` only; egress is open.
 */
export function renderPlatformNetworkPolicySpec(a: PlatformIngress = {}): k8s.types.input.networking.v1.NetworkPolicySpec {
    const openPorts = a.openPorts ?? [];
    return {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [
            { from: [{ podSelector: {} }] },
            { from: [{ namespaceSelector: { matchLabels: MONITORING_NAMESPACE_LABELS }, podSelector: { matchLabels: PROMETHEUS_POD_LABELS } }] },
            ...(openPorts.length > 0 ? [{ ports: openPorts.map((port) => ({ protocol: "TCP", port })) }] : []),
        ],
        egress: [{}],
    };
}

/** Arguments of `platformNetworkPolicy`. */
export interface PlatformNetworkPolicyArgs extends PlatformIngress {
    /** The platform namespace. */
    namespace: pulumi.Input<string>;
    /** Labels of the policy. */
    labels: Record<string, string>;
}

/** The NetworkPolicy of one platform namespace (`renderPlatformNetworkPolicySpec`). */
export function platformNetworkPolicy(resourceName: string, a: PlatformNetworkPolicyArgs, opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(resourceName, {
        metadata: { name: PLATFORM_NETWORK_POLICY_NAME, namespace: a.namespace, labels: a.labels },
        spec: renderPlatformNetworkPolicySpec(a),
    }, opts);
}
