/**
 * The local cluster, the embedded default: a real control plane and real nodes on this machine.
 *
 * - control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler (control-plane.ts);
 * - nodes: a real kubelet, containerd, runc and kube-proxy each, the first sharing the host's
 *   network, the others in network namespaces of their own on one bridge (real-nodes.ts);
 * - images: built here from Go modules and Debian packages and served by a registry on the host,
 *   which the `local` stack names as its image mirror (images.ts);
 * - cluster add-ons: CoreDNS, and a pool of volumes for the platform's StorageClasses.
 *
 * Nodes start without a pod network: the `local` stack's `pulumi up` installs the platform's own
 * Flannel, and the nodes turn Ready. `up` is idempotent; `down` ends every process `up` started and
 * removes what it made on the host (namespaces, links, iptables chains, cgroups, sysctls).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { CACHE, LOGS, STATE } from "./paths";
import { elapsed, say } from "./log";
import { ClusterRef, applyObjects, isUp, kubectl, volumePool } from "./kubectl";
import { DaemonDirs, runningPid, startDaemon, stopDaemon, waitFor } from "./daemons";
import { ClusterLayout, CONTROL_PLANE, ensureControlPlaneTools, ensurePki, pkiDir, startControlPlane, stopControlPlane } from "./control-plane";
import { RealNode, kubeProxyConfig, kubeletConfig, nodeCgroupDirs, nodeDaemons, nodePaths, startNode, stopNode, writeYaml } from "./real-nodes";
import { HOST_POD_LINKS, NodeNetwork, clusterChainsLeft, ensureNodeNetwork, removeClusterChains, removeNodeNetwork, vethName } from "./node-network";
import { NodeRuntime, ensureNodeRuntime } from "./node-tools";
import { renderContainerdConfig, renderRegistryHosts } from "./containerd-config";
import { ensureLocalImages, registryTool } from "./images";
import { renderHostRegistryConfig } from "./host-registry";
import { ensureGoTool } from "./tools";
import { ensureImageTools } from "./image-tools";
import { netpolTools } from "./netpol-tools";
import { metricsTools } from "./metrics-tools";
import { coreDnsObjects } from "./cluster-addons";
import { hostAddress } from "../../components/network/cidr";
import { COREDNS_IMAGE, PAUSE_IMAGE } from "../../components/versions";
import { mirrorImage } from "../../components/core/images";
import { CONTAINERD_CERTS_DIR } from "../../components/registry/registry-config";

/** Folder of the local cluster's files. */
export const LOCAL_DIR = path.join(STATE, "local");
/** Kubeconfig the local stack and kubectl use (the cluster admin's). */
export const KUBECONFIG = path.join(LOCAL_DIR, "kubeconfig");
/** The local cluster. */
export const LOCAL_CLUSTER: ClusterRef = { kubeconfig: KUBECONFIG };

const DAEMONS: DaemonDirs = { pids: path.join(LOCAL_DIR, "pids"), logs: path.join(LOGS, "local") };
const NODES_DIR = path.join(LOCAL_DIR, "nodes");
/** What `up` changed on the host beyond its own folder, kept outside the clone so any `down` can undo it. */
const HOST_RECORD = "/var/lib/containercloud-local/host-changes.json";

/** The node network. */
export const NODE_NETWORK: NodeNetwork = { bridge: "cc-br0", hostIp: "10.210.0.1", prefix: 24, mtu: defaultRouteMtu() };

/** The local cluster's nodes: the edge node shares the host's network; storage and workers have their own. */
export const LOCAL_NODES: RealNode[] = [
    { name: "edge-1", role: "edge", ip: NODE_NETWORK.hostIp },
    { name: "storage-1", role: "storage", ip: "10.210.0.11", netns: "cc-storage-1" },
    { name: "worker-1", role: "worker", ip: "10.210.0.12", netns: "cc-worker-1" },
    { name: "worker-2", role: "worker", ip: "10.210.0.13", netns: "cc-worker-2" },
];

/** Port of the host registry nodes pull from. */
export const REGISTRY_PORT = 5000;

/** The host registry, `host:port`: the `local` stack's `imageMirror`. */
export function localRegistry(): string {
    return `${NODE_NETWORK.hostIp}:${REGISTRY_PORT}`;
}

/** Sysctls the cluster's parts change on the host (the kubelet, kube-proxy, forwarding). */
export const HOST_SYSCTLS = [
    "net.ipv4.ip_forward", "vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops",
    "net.ipv4.conf.all.route_localnet", "net.bridge.bridge-nf-call-iptables",
];

/** The cluster's layout for the pod and service CIDRs of the `local` stack. */
export function localLayout(cidrs: { podCidr: string; serviceCidr: string }): ClusterLayout {
    return {
        dir: LOCAL_DIR,
        hostIp: NODE_NETWORK.hostIp,
        apiPort: 6443,
        etcdPorts: { client: 12379, peer: 12380 },
        podCidr: cidrs.podCidr,
        serviceCidr: cidrs.serviceCidr,
        apiServiceIp: hostAddress(cidrs.serviceCidr, 1),
    };
}

/** The MTU of the interface of the host's default route (1500 when there is none). */
function defaultRouteMtu(): number {
    const r = spawnSync("ip", ["-o", "route", "show", "default"], { encoding: "utf8" });
    const dev = / dev (\S+)/.exec(r.stdout ?? "")?.[1];
    const mtu = dev ? Number(fs.readFileSync(`/sys/class/net/${dev}/mtu`, "utf8").trim()) : NaN;
    return Number.isFinite(mtu) ? mtu : 1500;
}

interface HostChanges {
    /** Each changed sysctl's value before the first `up`. */
    sysctls: Record<string, string>;
    /** Folders `up` created on the host (bind-mount targets), removed by `down` when empty. */
    createdDirs: string[];
}

function readHostChanges(): HostChanges | undefined {
    return fs.existsSync(HOST_RECORD) ? (JSON.parse(fs.readFileSync(HOST_RECORD, "utf8")) as HostChanges) : undefined;
}

/** Records the host's sysctls and missing folders before `up` changes them (once, until `down`). */
function recordHostChanges(dirs: string[]): void {
    if (readHostChanges()) {
        return;
    }
    const sysctls: Record<string, string> = {};
    for (const key of HOST_SYSCTLS) {
        const r = spawnSync("sysctl", ["-n", key], { encoding: "utf8" });
        if (r.status === 0) {
            sysctls[key] = r.stdout.trim();
        }
    }
    // Every missing folder along each path: `up` creates the parents too (/opt/cni for /opt/cni/bin).
    const missing = dirs.flatMap((d) => {
        const out: string[] = [];
        for (let p = d; p !== path.dirname(p) && !fs.existsSync(p); p = path.dirname(p)) {
            out.push(p);
        }
        return out;
    });
    const createdDirs = [...new Set(missing)];
    fs.mkdirSync(path.dirname(HOST_RECORD), { recursive: true });
    fs.writeFileSync(HOST_RECORD, JSON.stringify({ sysctls, createdDirs }, null, 2));
}

/** Restores the recorded sysctls and removes the folders `up` created. */
function undoHostChanges(): void {
    const rec = readHostChanges();
    if (!rec) {
        return;
    }
    for (const [key, value] of Object.entries(rec.sysctls)) {
        spawnSync("sysctl", ["-q", "-w", `${key}=${value}`]);
    }
    // Deepest first, and only when empty: a folder something else filled since stays.
    for (const d of [...rec.createdDirs].sort((a, b) => b.length - a.length)) {
        try {
            fs.rmdirSync(d);
        } catch {
            // not empty or already gone
        }
    }
    fs.rmSync(path.dirname(HOST_RECORD), { recursive: true, force: true });
}

/** Installs the host packages the nodes need (iptables for kube-proxy and Flannel) when missing. */
function ensureHostPackages(): void {
    const missing = ["iptables"].filter((p) => spawnSync("dpkg", ["-s", p], { stdio: "ignore" }).status !== 0);
    if (missing.length > 0) {
        say("local", `installing Debian packages: ${missing.join(", ")}`);
        const r = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { stdio: ["ignore", "ignore", "inherit"] });
        if (r.status !== 0) {
            throw new Error(`apt-get install ${missing.join(" ")} failed: install them by hand and run again`);
        }
    }
}

/** Options of `localUp`. */
export interface LocalUpOptions {
    /** StorageClasses to back with a pool of volumes. @default [] */
    storageClasses?: string[];
    /** Pod and service CIDRs (the `local` stack's network config). */
    cidrs: { podCidr: string; serviceCidr: string };
}

/**
 * Builds (or finds in the cache) every binary the local cluster runs: the control plane and node
 * binaries, the node runtime, the host registry, and the programs of its images.
 */
export async function ensureLocalClusterTools(): Promise<{ bins: Record<string, string>; runtime: NodeRuntime; registryBin: string }> {
    const bins = await ensureControlPlaneTools();
    const runtime = await ensureNodeRuntime("local");
    const registryBin = await ensureGoTool(registryTool(), "local");
    await ensureImageTools("local");
    for (const tool of netpolTools()) {
        await ensureGoTool(tool, "local");
    }
    for (const tool of metricsTools()) {
        await ensureGoTool(tool, "local");
    }
    return { bins, runtime, registryBin };
}

/** True when the local cluster's API server answers. */
export function localIsUp(): boolean {
    return isUp(LOCAL_CLUSTER);
}

/** Starts whatever part of the local cluster is not running; resolves to true when the control plane was new. */
export async function localUp(opts: LocalUpOptions): Promise<boolean> {
    const start = Date.now();
    const layout = localLayout(opts.cidrs);
    ensureHostPackages();
    const { bins, runtime, registryBin } = await ensureLocalClusterTools();
    const running = localIsUp();
    if (!running && runningPid(DAEMONS, "kube-apiserver") === undefined) {
        // Whatever an interrupted run left (namespaces, links, chains, cgroups) goes before a fresh start.
        await removeLeftovers();
    }
    recordHostChanges(LOCAL_NODES.flatMap((n) => nodePaths(NODES_DIR, n.name).binds.map((b) => b.target)));
    ensureNodeNetwork(NODE_NETWORK, LOCAL_NODES);
    ensurePki(layout, LOCAL_NODES);
    fs.copyFileSync(path.join(LOCAL_DIR, "admin.kubeconfig"), KUBECONFIG);
    say("local", running ? "control plane already running" : "starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler");
    await startControlPlane(layout, DAEMONS, bins, localIsUp);

    await startRegistry(registryBin);
    await ensureLocalImages(localRegistry());

    const dnsIp = hostAddress(layout.serviceCidr, 10);
    for (const node of LOCAL_NODES) {
        await startNode(DAEMONS, NODES_DIR, node, {
            containerd: runtime.containerd, kubelet: bins.kubelet, kubeProxy: bins["kube-proxy"],
            runtimeBinDir: path.dirname(runtime.shim), cniBinDir: runtime.cniBinDir,
        }, writeNodeFiles(node, layout, dnsIp, runtime));
    }
    await waitFor("every node to register", () => registeredNodes().length === LOCAL_NODES.length, 120_000, 1000);
    // The controller-manager can exit once when it starts before the default RBAC exists (REAL-NODES.md).
    await startControlPlane(layout, DAEMONS, bins, localIsUp);

    applyObjects(coreDnsObjects({ dnsIp, image: mirrorImage(COREDNS_IMAGE, localRegistry()) }), LOCAL_CLUSTER);
    const volumes = path.join(LOCAL_DIR, "volumes");
    const pools = (opts.storageClasses ?? []).flatMap((sc) => volumePool(sc, 24, volumes));
    for (const pv of pools) {
        // Made here, writable by every user, as local-path-provisioner makes its folders: the kubelet
        // would create a missing one owned by root, which the platform's non-root pods cannot write.
        const dir = ((pv.spec as { hostPath: { path: string } }).hostPath.path);
        fs.mkdirSync(dir, { recursive: true });
        fs.chmodSync(dir, 0o777);
    }
    if (pools.length > 0) {
        applyObjects(pools, LOCAL_CLUSTER);
    }
    say("local", `ready in ${elapsed(Date.now() - start)}: ${LOCAL_NODES.length} real nodes (${LOCAL_NODES.map((n) => `${n.name}:${n.role}`).join(", ")}); kubeconfig ${path.relative(process.cwd(), KUBECONFIG)}`);
    return !running;
}

/** Each node's own hosts file (bound at the node's /etc/hosts): the local cluster's DNS (local-dns.ts). */
export function localNodeHostsFiles(): string[] {
    return LOCAL_NODES.map((n) => nodePaths(NODES_DIR, n.name).binds.find((b) => b.target === "/etc/hosts")!.source);
}

/** Writes a node's containerd, kubelet and kube-proxy files; returns their paths. */
function writeNodeFiles(node: RealNode, layout: ClusterLayout, dnsIp: string, runtime: NodeRuntime) {
    const dir = path.join(NODES_DIR, node.name);
    const info = { dnsIp, podCidr: layout.podCidr, caFile: path.join(pkiDir(layout), "ca.crt"), pkiDir: pkiDir(layout) };
    // The node's /etc/containerd/certs.d (its own folder, bound there by the node's holder): the host
    // registry's hosts.toml from here, the platform registry's from the platform's node trust.
    const registryHosts = nodePaths(NODES_DIR, node.name).binds.find((b) => b.target === CONTAINERD_CERTS_DIR)!.source;
    const reg = localRegistry();
    fs.mkdirSync(path.join(registryHosts, reg), { recursive: true });
    fs.writeFileSync(path.join(registryHosts, reg, "hosts.toml"), renderRegistryHosts(reg));
    const containerdConfig = path.join(dir, "containerd.toml");
    fs.writeFileSync(containerdConfig, renderContainerdConfig({
        root: "/var/lib/containerd",
        state: "/run/containerd",
        address: "/run/containerd/containerd.sock",
        sandboxImage: mirrorImage(PAUSE_IMAGE, reg),
        registryConfigDir: CONTAINERD_CERTS_DIR,
        shimPath: runtime.shim,
        runcPath: runtime.runc,
        cniBinDir: "/opt/cni/bin",
        cniConfDir: "/etc/cni/net.d",
    }));
    const kubeletFile = path.join(dir, "kubelet.yaml");
    writeYaml(kubeletFile, kubeletConfig(node, info));
    const proxyFile = path.join(dir, "kube-proxy.yaml");
    writeYaml(proxyFile, kubeProxyConfig(node, info, path.join(LOCAL_DIR, "kube-proxy.kubeconfig")));
    return { containerdConfig, kubeletConfig: kubeletFile, kubeletKubeconfig: path.join(LOCAL_DIR, `kubelet-${node.name}.kubeconfig`), kubeProxyConfig: proxyFile };
}

/** Starts the host registry (its data in the tool cache, so images outlive a `down`) and waits until it answers. */
async function startRegistry(bin: string): Promise<void> {
    if (runningPid(DAEMONS, "registry") === undefined) {
        const config = path.join(LOCAL_DIR, "registry.yml");
        fs.writeFileSync(config, renderHostRegistryConfig({ addr: localRegistry(), rootDirectory: path.join(CACHE, "registry") }));
        startDaemon(DAEMONS, "registry", bin, ["serve", config]);
    }
    const answers = async () => {
        try {
            return (await fetch(`http://${localRegistry()}/v2/`)).ok;
        } catch {
            return false;
        }
    };
    await waitFor(`the host registry at ${localRegistry()}`, answers, 30_000, 200);
}

/** Names of the nodes registered with the API server. */
function registeredNodes(): string[] {
    const r = kubectl(["get", "nodes", "-o", "name"], undefined, LOCAL_CLUSTER);
    return r.code === 0 ? r.stdout.split("\n").filter(Boolean) : [];
}

/** Removes what a cluster left on the host: node processes and cgroups, namespaces, links, chains, sysctls. */
async function removeLeftovers(): Promise<void> {
    for (const n of LOCAL_NODES) {
        await stopNode(DAEMONS, n.name);
    }
    removeNodeNetwork(NODE_NETWORK, LOCAL_NODES);
    removeClusterChains();
    undoHostChanges();
}

/**
 * Stops one node of the running local cluster as a crash would leave it: its kubelet, containerd,
 * kube-proxy and every container killed, its cgroups gone; the control plane and the other nodes
 * run on. `localUp` starts it again (it starts whatever node is not running).
 */
export async function localStopNode(name: string): Promise<void> {
    if (!LOCAL_NODES.some((n) => n.name === name)) {
        throw new Error(`no local node is named "${name}": the nodes are ${LOCAL_NODES.map((n) => n.name).join(", ")}`);
    }
    await stopNode(DAEMONS, name);
}

/** Stops the local cluster and removes its data and everything it made on the host. */
export async function localDown(): Promise<void> {
    await stopDaemon(DAEMONS, "registry");
    await stopControlPlane(DAEMONS);
    await removeLeftovers();
    fs.rmSync(LOCAL_DIR, { recursive: true, force: true });
    say("local", "cluster stopped; its processes, namespaces, links, iptables chains, cgroups and data removed, sysctls restored");
}

/** What of the local cluster is left on the host (empty after a clean `down`). */
export function localLeftovers(): string[] {
    const left: string[] = [];
    for (const n of LOCAL_NODES) {
        for (const d of nodeDaemons(n.name)) {
            if (runningPid(DAEMONS, d) !== undefined) {
                left.push(`process ${d}`);
            }
        }
        if (n.netns && fs.existsSync(`/run/netns/${n.netns}`)) {
            left.push(`netns ${n.netns}`);
        }
        if (fs.existsSync(`/sys/class/net/${vethName(n)}`)) {
            left.push(`link ${vethName(n)}`);
        }
        left.push(...nodeCgroupDirs(n.name).filter((d) => fs.existsSync(d)).map((d) => `cgroup ${d}`));
    }
    for (const name of [...CONTROL_PLANE, "registry"]) {
        if (runningPid(DAEMONS, name) !== undefined) {
            left.push(`process ${name}`);
        }
    }
    for (const l of [NODE_NETWORK.bridge, ...HOST_POD_LINKS]) {
        if (fs.existsSync(`/sys/class/net/${l}`)) {
            left.push(`link ${l}`);
        }
    }
    left.push(...clusterChainsLeft().map((c) => `iptables chain ${c}`));
    const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(LOCAL_DIR));
    left.push(...mounts.map((m) => `mount ${m.split(" ")[4]}`));
    if (fs.existsSync(HOST_RECORD)) {
        left.push(`host record ${HOST_RECORD} (sysctls not restored)`);
    }
    return left;
}

/** One line per fact: whether it runs, the server version, the nodes. */
export function localStatus(): string[] {
    if (!localIsUp()) {
        return ["local cluster: not running (start it with `npm run local -- up`)"];
    }
    const v = kubectl(["version", "-o", "json"], undefined, LOCAL_CLUSTER);
    const server = v.code === 0 ? (JSON.parse(v.stdout).serverVersion?.gitVersion ?? "?") : "?";
    const nodes = kubectl(["get", "nodes", "--no-headers", "-o", "custom-columns=NAME:.metadata.name,ROLE:.metadata.labels.containercloud\\.io/node-role,READY:.status.conditions[?(@.type=='Ready')].status,IP:.status.addresses[0].address"], undefined, LOCAL_CLUSTER);
    return [
        `local cluster: running, Kubernetes ${server}, kubeconfig ${path.relative(process.cwd(), KUBECONFIG)}`,
        `host registry (image mirror): ${localRegistry()}`,
        ...nodes.stdout.trim().split("\n").filter(Boolean).map((l) => `node ${l.trim().replace(/\s+/g, " ")}`),
    ];
}
