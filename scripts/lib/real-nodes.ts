/**
 * Real nodes on this machine (their network: node-network.ts): each node is a real kubelet with its own containerd and runc, and its
 * own kube-proxy. The first node shares the host's network; every other node lives in a network
 * namespace of its own, joined to the host by a veth pair on one bridge (the node network).
 *
 * Every node also gets a mount namespace of its own (a "holder" process keeps it), in which the
 * paths a node owns are bind-mounted from the node's folder: /etc/cni/net.d, /opt/cni/bin,
 * /run/flannel, /var/lib/kubelet, /var/lib/containerd, /run/containerd, /var/log/pods,
 * /var/log/containers, /run/nri and /var/lib/cni. So the platform's DaemonSets use their usual hostPaths on every node, the
 * nodes do not see each other's files, and nothing of a node stays mounted once its processes end.
 *
 * Each node's daemons run in a cgroup of their own (`cc-<node>/system` in every hierarchy), and its
 * pods under the kubelet's `cgroupRoot` `cc-<node>`: `down` finds every process a node started there.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { NODE_ROLE_LABEL } from "../../components/app-engine/workload";
import { DaemonDirs, alive, runningPid, startDaemon, stopDaemon, stopPid, waitFor } from "./daemons";
import { processCommand } from "./procfs";
import { kubeletServingCert } from "./control-plane";

/** A node's role; the value of `NODE_ROLE_LABEL`. */
export type NodeRole = "edge" | "storage" | "worker";

/** One real node. */
export interface RealNode {
    /** Node name (and hostname override). */
    name: string;
    /** Its role (the platform's node-role label, `NODE_ROLE_LABEL`). */
    role: NodeRole;
    /** Its address on the node network. */
    ip: string;
    /** Network namespace; none for the node that shares the host's network. */
    netns?: string;
}

export { NODE_ROLE_LABEL };

/** Paths a node owns: bind-mounted from its folder inside its mount namespace. */
export const NODE_PRIVATE_PATHS = [
    "/etc/cni/net.d", "/opt/cni/bin", "/run/flannel", "/var/lib/kubelet", "/var/lib/containerd",
    "/run/containerd", "/var/log/pods", "/var/log/containers", "/run/nri",
    // containerd's registry config (its CRI config_path): the platform's node trust writes here.
    "/etc/containerd/certs.d",
    // host-local IPAM's reservations (the Flannel CNI's): shared with the host, a killed node's pods
    // were never released and filled a node's range over many runs (no IP addresses available).
    "/var/lib/cni",
] as const;

/**
 * Files a node owns, bind-mounted the same way: its hosts file is the local cluster's DNS for the
 * platform's names (scripts/lib/local-dns.ts), as a site's DNS is for its nodes.
 */
export const NODE_PRIVATE_FILES = ["/etc/hosts"] as const;

/** The cgroup v1 hierarchies a node's cgroups are made in. */
export const CGROUP_HIERARCHIES = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd"] as const;

/** The kubelet's `cgroupRoot` of a node. */
export function cgroupRoot(node: string): string {
    return `/cc-${node}`;
}

/** What a node's config files need to know of the cluster. */
export interface NodeClusterInfo {
    /** Cluster DNS Service address. */
    dnsIp: string;
    /** Pod CIDR (kube-proxy's cluster CIDR). */
    podCidr: string;
    /** CA certificate file the kubelet trusts for client certificates. */
    caFile: string;
    /** The PKI folder, which holds the kubelet's serving certificate (control-plane.ts kubeletServingCert). */
    pkiDir: string;
}

/** The kubelet's KubeletConfiguration for a node (settings REAL-NODES.md found working here). */
export function kubeletConfig(node: RealNode, c: NodeClusterInfo): Record<string, unknown> {
    return {
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: c.caFile } },
        authorization: { mode: "Webhook" },
        cgroupDriver: "cgroupfs",
        cgroupRoot: cgroupRoot(node.name),
        cgroupsPerQOS: true,
        // cgroup v1 is in maintenance mode in 1.34: a warning, not an error.
        failCgroupV1: false,
        failSwapOn: false,
        clusterDNS: [c.dnsIp],
        clusterDomain: "cluster.local",
        containerRuntimeEndpoint: "unix:///run/containerd/containerd.sock",
        readOnlyPort: 0,
        serializeImagePulls: false,
        // All nodes share one disk: evict only when it is really full.
        evictionHard: { "memory.available": "100Mi", "nodefs.available": "2%", "imagefs.available": "2%", "nodefs.inodesFree": "2%" },
        imageGCHighThresholdPercent: 99,
        imageGCLowThresholdPercent: 98,
        maxPods: 110,
        rotateCertificates: false,
        serverTLSBootstrap: false,
        tlsCertFile: path.join(c.pkiDir, `${kubeletServingCert(node.name)}.crt`),
        tlsPrivateKeyFile: path.join(c.pkiDir, `${kubeletServingCert(node.name)}.key`),
    };
}

/** kube-proxy's KubeProxyConfiguration: iptables mode, leaving the conntrack sysctls as they are. */
export function kubeProxyConfig(node: RealNode, c: NodeClusterInfo, kubeconfig: string): Record<string, unknown> {
    return {
        apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        clientConnection: { kubeconfig },
        mode: "iptables",
        clusterCIDR: c.podCidr,
        hostnameOverride: node.name,
        bindAddress: node.ip,
        healthzBindAddress: `${node.ip}:10256`,
        metricsBindAddress: "127.0.0.1:10249",
        // 0 keeps the host's values: kube-proxy would otherwise raise nf_conntrack_max and the TCP timeouts.
        conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
        // Without localhost NodePorts kube-proxy leaves route_localnet alone.
        iptables: { localhostNodePorts: false },
    };
}

/** Paths of a node's own files. */
export interface NodePaths {
    /** The node's folder. */
    dir: string;
    /** Bind source of each private path, folders first, then files. */
    binds: { source: string; target: string; file?: boolean }[];
}

/** The node's folder and the bind source of each private path. */
export function nodePaths(nodesDir: string, node: string): NodePaths {
    const dir = path.join(nodesDir, node);
    return {
        dir,
        binds: [
            ...NODE_PRIVATE_PATHS.map((target) => ({ source: path.join(dir, "fs", target.slice(1).replace(/\//g, "-")), target })),
            ...NODE_PRIVATE_FILES.map((target) => ({ source: path.join(dir, "fs", target.slice(1).replace(/\//g, "-")), target, file: true })),
        ],
    };
}

/** The shell script the holder runs: bind the node's paths, then sleep until stopped. */
export function holderScript(binds: NodePaths["binds"]): string {
    const lines = binds.map((b) => `mount --bind '${b.source}' '${b.target}'`);
    return ["set -e", ...lines, "exec sleep infinity"].join("\n");
}

/** The binaries a node runs. */
export interface NodeBinaries {
    containerd: string;
    kubelet: string;
    kubeProxy: string;
    /** Folder put first on PATH of containerd (shim, runc). */
    runtimeBinDir: string;
    /** Folder of the CNI plugins copied into the node's /opt/cni/bin. */
    cniBinDir: string;
}

/** Files a node needs, written by the caller before `startNode`. */
export interface NodeFiles {
    containerdConfig: string;
    kubeletConfig: string;
    kubeletKubeconfig: string;
    kubeProxyConfig: string;
}

/** Daemon names of a node, in start order. */
export function nodeDaemons(node: string): string[] {
    return [`${node}-holder`, `${node}-containerd`, `${node}-kubelet`, `${node}-kube-proxy`];
}

/** The cgroup folders of a node in every hierarchy. */
export function nodeCgroupDirs(node: string): string[] {
    return CGROUP_HIERARCHIES.map((h) => path.join("/sys/fs/cgroup", h, cgroupRoot(node).slice(1))).filter((d) => fs.existsSync(path.dirname(d)));
}

/** Makes the node's cgroup folders (the kubelet's root and its daemons' `system`); cpuset needs cpus and mems before use. */
export function ensureNodeCgroups(node: string): string[] {
    const system: string[] = [];
    for (const dir of nodeCgroupDirs(node)) {
        for (const d of [dir, path.join(dir, "system")]) {
            fs.mkdirSync(d, { recursive: true });
            if (d.includes("/cpuset/")) {
                for (const f of ["cpuset.cpus", "cpuset.mems"]) {
                    const parent = fs.readFileSync(path.join(path.dirname(d), f), "utf8").trim();
                    if (fs.readFileSync(path.join(d, f), "utf8").trim() === "") {
                        fs.writeFileSync(path.join(d, f), parent);
                    }
                }
            }
        }
        system.push(path.join(dir, "system"));
    }
    return system;
}

/**
 * Starts `cmd` as a node daemon: moved into the node's `system` cgroups first, then entered into
 * the node's namespaces (those of its holder) by nsenter, keeping one PID throughout.
 */
function startInNode(dirs: DaemonDirs, name: string, systemCgroups: string[], nsArgs: string[], cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
    const script = 'for c in $CC_CGROUPS; do echo $$ > "$c/cgroup.procs"; done; exec "$@"';
    return startDaemon(dirs, name, "sh", ["-c", script, "sh", ...(nsArgs.length ? ["nsenter", ...nsArgs, "--"] : []), cmd, ...args], {
        env: { ...env, CC_CGROUPS: systemCgroups.join(" ") },
    });
}

/** Starts the node's holder, containerd, kubelet and kube-proxy unless they run. */
export async function startNode(dirs: DaemonDirs, nodesDir: string, node: RealNode, bins: NodeBinaries, files: NodeFiles): Promise<void> {
    const p = nodePaths(nodesDir, node.name);
    const cgroups = ensureNodeCgroups(node.name);
    const [holder, containerd, kubelet, proxy] = nodeDaemons(node.name);
    if (runningPid(dirs, holder) === undefined) {
        for (const b of p.binds) {
            if (b.file) {
                // The node starts from the host's copy (a node restarted keeps what it had).
                if (!fs.existsSync(b.source)) {
                    fs.copyFileSync(b.target, b.source);
                }
                continue;
            }
            fs.mkdirSync(b.source, { recursive: true });
            fs.mkdirSync(b.target, { recursive: true });
        }
        const cniBin = p.binds.find((b) => b.target === "/opt/cni/bin")!.source;
        for (const f of fs.readdirSync(bins.cniBinDir)) {
            fs.copyFileSync(path.join(bins.cniBinDir, f), path.join(cniBin, f));
            fs.chmodSync(path.join(cniBin, f), 0o755);
        }
        const netArgs = node.netns ? [`--net=/run/netns/${node.netns}`] : [];
        // slave, not private: mounts the host makes (its /run/netns) still reach the node, which hostPath volumes
        // with HostToContainer propagation require, while the node's own mounts never reach the host.
        startInNode(dirs, holder, cgroups, netArgs, "unshare", ["--mount", "--propagation", "slave", "sh", "-c", holderScript(p.binds)]);
        await waitForBinds(runningPidOrThrow(dirs, holder), p.binds.length);
    }
    const holderPid = runningPidOrThrow(dirs, holder);
    const ns = [`--target=${holderPid}`, "--mount", "--net"];
    if (runningPid(dirs, containerd) === undefined) {
        startInNode(dirs, containerd, cgroups, ns, bins.containerd, ["--config", files.containerdConfig], { PATH: `${bins.runtimeBinDir}:${process.env.PATH}` });
    }
    // The kubelet exits at once when the runtime's socket is not there yet.
    const socket = path.join(p.binds.find((b) => b.target === "/run/containerd")!.source, "containerd.sock");
    await waitFor(`${node.name}'s containerd socket`, () => fs.existsSync(socket), 30_000, 100);
    if (runningPid(dirs, kubelet) === undefined) {
        startInNode(dirs, kubelet, cgroups, ns, bins.kubelet, [
            `--config=${files.kubeletConfig}`, `--kubeconfig=${files.kubeletKubeconfig}`,
            `--hostname-override=${node.name}`, `--node-ip=${node.ip}`,
            `--node-labels=${NODE_ROLE_LABEL}=${node.role}`, "--v=1",
        ]);
    }
    if (runningPid(dirs, proxy) === undefined) {
        startInNode(dirs, proxy, cgroups, ns, bins.kubeProxy, [`--config=${files.kubeProxyConfig}`, "--v=1"]);
    }
}

function runningPidOrThrow(dirs: DaemonDirs, name: string): number {
    const pid = runningPid(dirs, name);
    if (pid === undefined) {
        throw new Error(`${name} exited right after it started; see .state/logs/local/${name}.log`);
    }
    return pid;
}

/** Waits until the holder (the `sleep` it execs into) has made its bind mounts. */
async function waitForBinds(pid: number, count: number): Promise<void> {
    const bound = () => {
        if (!alive(pid)) {
            throw new Error(`the node holder (pid ${pid}) exited before it made its bind mounts`);
        }
        if (!processCommand(pid).startsWith("sleep")) {
            return false;
        }
        const targets = fs.readFileSync(`/proc/${pid}/mountinfo`, "utf8").split("\n").map((l) => l.split(" ")[4]);
        return targets.filter((t) => ([...NODE_PRIVATE_PATHS, ...NODE_PRIVATE_FILES] as readonly string[]).includes(t)).length >= count;
    };
    await waitFor(`the node holder (pid ${pid}) to make its bind mounts`, bound, 10_000, 100);
}

/** Every process in a node's cgroups (its daemons, shims and containers). */
export function nodeProcesses(node: string): number[] {
    const root = path.join("/sys/fs/cgroup", "pids", cgroupRoot(node).slice(1));
    const out: number[] = [];
    const walk = (d: string) => {
        if (!fs.existsSync(d)) {
            return;
        }
        for (const l of fs.readFileSync(path.join(d, "cgroup.procs"), "utf8").split("\n")) {
            if (l.trim()) {
                out.push(Number(l));
            }
        }
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            if (e.isDirectory()) {
                walk(path.join(d, e.name));
            }
        }
    };
    walk(root);
    return out;
}

/** Removes a cgroup folder and its children, deepest first (they must be empty of processes). */
export function removeCgroupTree(dir: string): void {
    if (!fs.existsSync(dir)) {
        return;
    }
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) {
            removeCgroupTree(path.join(dir, e.name));
        }
    }
    fs.rmdirSync(dir);
}

/**
 * Stops a node: kube-proxy and the kubelet by their PIDs, then every process left in the node's
 * cgroups (containerd, its shims, the containers, the holder), then removes the cgroups.
 */
export async function stopNode(dirs: DaemonDirs, node: string): Promise<void> {
    const [holder, containerd, kubelet, proxy] = nodeDaemons(node);
    await stopDaemon(dirs, proxy, 5000);
    await stopDaemon(dirs, kubelet, 10000);
    await stopDaemon(dirs, containerd, 10000);
    for (let round = 0; round < 20; round++) {
        const left = nodeProcesses(node).filter((pid) => pid !== runningPid(dirs, holder));
        if (left.length === 0) {
            break;
        }
        await Promise.all(left.map((pid) => stopPid(pid, round === 0 ? 3000 : 0)));
    }
    await stopDaemon(dirs, holder, 2000);
    for (const d of nodeCgroupDirs(node)) {
        removeCgroupTree(d);
    }
}

/** Writes a node's config files as YAML. */
export function writeYaml(file: string, doc: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(doc));
}
