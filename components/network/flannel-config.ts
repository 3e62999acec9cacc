/**
 * Flannel's configuration as pure functions: the backend types, the CNI chain and net-conf.json
 * written to each node, the checks of the args, and flanneld's flags.
 */
import { validateNetworkCidrs } from "./cidr";

/** Port of flanneld's /healthz on the node's loopback. */
export const FLANNEL_HEALTHZ_PORT = 10267;

/** VXLAN: an overlay that works on any L3 network. */
export interface VxlanBackend {
    type: "vxlan";
    /** VXLAN network identifier. @default 1 */
    vni?: number;
    /** UDP port. @default 8472 (the Linux kernel default) */
    port?: number;
    /** Route directly (no encapsulation) between nodes on the same L2 segment. @default false */
    directRouting?: boolean;
    /** MTU of the VXLAN device. @default the external interface's MTU minus overhead */
    mtu?: number;
}

/** host-gw: plain routes to each node's subnet; needs all nodes on one L2 segment. */
export interface HostGwBackend {
    type: "host-gw";
}

/** WireGuard: an encrypted overlay; the nodes need the `wireguard` kernel module (Linux 5.6+). */
export interface WireguardBackend {
    type: "wireguard";
    /** UDP listen port. @default 51820 */
    listenPort?: number;
    /** Keep-alive interval in seconds, for nodes behind NAT. @default 0 (off) */
    persistentKeepaliveInterval?: number;
}

/** How Flannel carries packets between nodes. */
export type FlannelBackend = VxlanBackend | HostGwBackend | WireguardBackend;

/**
 * Where Flannel keeps the subnet leases: the Kubernetes API. Flannel's etcd store is not offered:
 * the platform's etcd (EtcdCluster) runs on the pod network Flannel provides, so Flannel could never
 * reach it to start, and an etcd outside the pod network is not something this platform runs.
 */
export type SubnetManager = "kube";

/** The error for any subnet manager but kube (the stack schema reports the same). */
export function subnetManagerError(value: string): string {
    return `network.subnetManager "${value}" is not supported: use kube. Flannel's etcd store cannot use the platform's etcd, ` +
        "which runs on the pod network Flannel itself provides";
}

/** The CNI chain written to each node: flannel (delegating to bridge) and portmap for hostPort. */
export function renderCniConf(): string {
    return JSON.stringify({
        name: "cbr0",
        cniVersion: "0.3.1",
        plugins: [
            { type: "flannel", delegate: { hairpinMode: true, isDefaultGateway: true } },
            { type: "portmap", capabilities: { portMappings: true } },
        ],
    }, null, 2);
}

/** Flannel's `Backend` object, keys in a stable order, defaults left to Flannel. */
export function renderBackend(b: FlannelBackend): Record<string, unknown> {
    switch (b.type) {
        case "vxlan": {
            const out: Record<string, unknown> = { Type: "vxlan" };
            if (b.vni !== undefined) out.VNI = b.vni;
            if (b.port !== undefined) out.Port = b.port;
            if (b.directRouting !== undefined) out.DirectRouting = b.directRouting;
            if (b.mtu !== undefined) out.MTU = b.mtu;
            return out;
        }
        case "host-gw":
            return { Type: "host-gw" };
        case "wireguard": {
            const out: Record<string, unknown> = { Type: "wireguard" };
            if (b.listenPort !== undefined) out.ListenPort = b.listenPort;
            if (b.persistentKeepaliveInterval !== undefined) out.PersistentKeepaliveInterval = b.persistentKeepaliveInterval;
            return out;
        }
    }
}

/** `net-conf.json`: the pod network, each node's subnet size and the backend. */
export function renderNetConf(podCidr: string, subnetLen: number, backend: FlannelBackend): string {
    return JSON.stringify({ Network: podCidr, SubnetLen: subnetLen, Backend: renderBackend(backend) }, null, 2);
}

const BACKENDS = ["vxlan", "host-gw", "wireguard"];

/** Validates Flannel's arguments (CIDRs, subnet length, backend, subnet manager); returns the first problem naming the field. */
export function validateFlannelArgs(a: { podCidr: string; serviceCidr: string; subnetLen: number; backend: FlannelBackend; subnetManager: string }): string | undefined {
    const cidrs = validateNetworkCidrs(a);
    if (cidrs) {
        return cidrs;
    }
    const type = (a.backend as { type?: unknown }).type;
    if (typeof type !== "string" || !BACKENDS.includes(type)) {
        return `network.backend.type "${String(type)}" is not supported: use ${BACKENDS.join(", ")}`;
    }
    if (a.backend.type === "vxlan") {
        const { vni, port, mtu } = a.backend;
        if (vni !== undefined && (!Number.isInteger(vni) || vni < 1 || vni > 16777215)) {
            return `network.backend.vni ${vni} must be from 1 to 16777215`;
        }
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
            return `network.backend.port ${port} must be from 1 to 65535`;
        }
        if (mtu !== undefined && (!Number.isInteger(mtu) || mtu < 1280 || mtu > 9000)) {
            return `network.backend.mtu ${mtu} must be from 1280 to 9000`;
        }
    }
    if (a.subnetManager !== "kube") {
        return subnetManagerError(a.subnetManager);
    }
    return undefined;
}

/** The flanneld arguments (the Kubernetes subnet manager). */
export function flanneldArgs(ipMasq: boolean): string[] {
    // health endpoint on the node's loopback (host network), for the kubelet's probes
    return [...(ipMasq ? ["--ip-masq"] : []), "--healthz-ip=127.0.0.1", `--healthz-port=${FLANNEL_HEALTHZ_PORT}`, "--kube-subnet-mgr"];
}
