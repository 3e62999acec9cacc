/**
 * The node network of the local cluster, and what a cluster leaves in the host's network: the
 * bridge, each namespaced node's veth pair and network namespace, sysctls, and the iptables chains
 * kube-proxy, Flannel and the CNI plugins write, which `down` removes.
 */
import * as fs from "fs";
import { execFileSync, spawnSync } from "child_process";
import type { RealNode } from "./real-nodes";

function run(cmd: string, args: string[], allowFail = false): string {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    if (r.status !== 0 && !allowFail) {
        throw new Error(`${cmd} ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
    }
    return r.stdout ?? "";
}

/** Writes a sysctl, inside a node's network namespace when given. */
export function setSysctl(key: string, value: string, netns?: string): void {
    const args = ["-q", "-w", `${key}=${value}`];
    if (netns) {
        // Not `ip netns exec`: it remounts /sys and hides the cgroup mounts (REAL-NODES.md).
        run("nsenter", [`--net=/run/netns/${netns}`, "sysctl", ...args]);
    } else {
        run("sysctl", args);
    }
}

/** The node network: a bridge with the host's address, and a veth into each namespaced node. */
export interface NodeNetwork {
    bridge: string;
    hostIp: string;
    prefix: number;
    /** MTU of the node links: the host's external MTU, so Flannel picks one pod MTU on every node. */
    mtu: number;
}

/** The host end of a node's veth pair. */
export function vethName(node: RealNode): string {
    return `cc-${node.name}`.slice(0, 15);
}

function linkExists(name: string, netns?: string): boolean {
    const args = netns ? ["-n", netns, "link", "show", name] : ["link", "show", name];
    return spawnSync("ip", args, { stdio: "ignore" }).status === 0;
}

/** Creates the bridge and each node's namespace and veth pair (idempotent). */
export function ensureNodeNetwork(net: NodeNetwork, nodes: RealNode[]): void {
    if (!linkExists(net.bridge)) {
        run("ip", ["link", "add", net.bridge, "type", "bridge"]);
        run("ip", ["addr", "add", `${net.hostIp}/${net.prefix}`, "dev", net.bridge]);
    }
    run("ip", ["link", "set", net.bridge, "mtu", String(net.mtu), "up"]);
    setSysctl("net.ipv4.ip_forward", "1");
    for (const n of nodes) {
        if (!n.netns) {
            continue;
        }
        if (!fs.existsSync(`/run/netns/${n.netns}`)) {
            run("ip", ["netns", "add", n.netns]);
        }
        const veth = vethName(n);
        if (!linkExists(veth)) {
            run("ip", ["link", "add", veth, "mtu", String(net.mtu), "type", "veth", "peer", "name", "eth0", "mtu", String(net.mtu), "netns", n.netns]);
            run("ip", ["link", "set", veth, "master", net.bridge, "up"]);
            run("ip", ["-n", n.netns, "addr", "add", `${n.ip}/${net.prefix}`, "dev", "eth0"]);
            run("ip", ["-n", n.netns, "link", "set", "lo", "up"]);
            run("ip", ["-n", n.netns, "link", "set", "eth0", "up"]);
            run("ip", ["-n", n.netns, "route", "add", "default", "via", net.hostIp]);
        }
        setSysctl("net.ipv4.ip_forward", "1", n.netns);
        // Pods on one node's bridge must still pass kube-proxy's Service rules.
        setSysctl("net.bridge.bridge-nf-call-iptables", "1", n.netns);
    }
}


/** Host links a cluster on this machine may leave: Flannel's VXLAN device and the CNI bridge. */
export const HOST_POD_LINKS = ["flannel.1", "cni0"];

/** Removes the node network: namespaces, veths, the bridge, and the pod links Flannel made on the host. */
export function removeNodeNetwork(net: NodeNetwork, nodes: RealNode[]): void {
    for (const n of nodes) {
        if (n.netns && fs.existsSync(`/run/netns/${n.netns}`)) {
            run("ip", ["netns", "del", n.netns]);
        }
        if (linkExists(vethName(n))) {
            run("ip", ["link", "del", vethName(n)], true);
        }
    }
    for (const l of [net.bridge, ...HOST_POD_LINKS]) {
        if (linkExists(l)) {
            run("ip", ["link", "del", l], true);
        }
    }
}

/** Chain-name prefixes of the rules kube-proxy, Flannel and the CNI plugins write. */
export const CLUSTER_CHAIN = /^(KUBE-|CNI-|FLANNEL)/;

/**
 * The `iptables-restore --noflush` input that removes the cluster's chains from one table of an
 * `iptables-save` dump: rules in other chains that jump to them, then their rules, then the chains.
 */
export function chainCleanup(save: string): string {
    const out: string[] = [];
    let table = "";
    let chains: string[] = [];
    let deletes: string[] = [];
    const flush = () => {
        if (table && (chains.length || deletes.length)) {
            out.push(`*${table}`, ...deletes, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), "COMMIT");
        }
    };
    for (const line of save.split("\n")) {
        if (line.startsWith("*")) {
            flush();
            table = line.slice(1).trim();
            chains = [];
            deletes = [];
        } else if (line.startsWith(":")) {
            const name = line.slice(1).split(" ")[0];
            if (CLUSTER_CHAIN.test(name)) {
                chains.push(name);
            }
        } else if (line.startsWith("-A ")) {
            const [, chain] = line.split(" ");
            const target = / -[jg] (\S+)/.exec(line)?.[1] ?? "";
            if (!CLUSTER_CHAIN.test(chain) && CLUSTER_CHAIN.test(target)) {
                deletes.push(`-D ${line.slice(3)}`);
            }
        }
    }
    flush();
    return out.length ? `${out.join("\n")}\n` : "";
}

/** Removes the cluster's iptables chains (IPv4 and IPv6) from the host's network namespace. */
export function removeClusterChains(): void {
    for (const [save, restore] of [["iptables-save", "iptables-restore"], ["ip6tables-save", "ip6tables-restore"]]) {
        const dump = spawnSync(save, [], { encoding: "utf8" });
        if (dump.status !== 0) {
            continue;
        }
        const input = chainCleanup(dump.stdout);
        if (input) {
            execFileSync(restore, ["--noflush"], { input });
        }
    }
}

/** True when the host still has chains of a cluster. */
export function clusterChainsLeft(): string[] {
    const left: string[] = [];
    for (const save of ["iptables-save", "ip6tables-save"]) {
        const dump = spawnSync(save, [], { encoding: "utf8" });
        for (const line of (dump.stdout ?? "").split("\n")) {
            if (line.startsWith(":") && CLUSTER_CHAIN.test(line.slice(1))) {
                left.push(`${save.replace("-save", "")} ${line.slice(1).split(" ")[0]}`);
            }
        }
    }
    return left;
}
