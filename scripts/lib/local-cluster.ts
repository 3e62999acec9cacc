/**
 * The local control plane: a real etcd, kube-apiserver, kube-controller-manager and kube-scheduler
 * built from Go modules, started by kwokctl (`--runtime binary`) with kwok simulating the nodes.
 * There is no container runtime: kwok marks pods Running and Ready (and Job pods Succeeded), so
 * Deployments, StatefulSets, DaemonSets and Jobs really roll out as far as the control plane can
 * judge, but no container ever runs.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { LOGS, ROOT, STATE } from "./paths";
import { elapsed, say } from "./log";
import { cachedBinary, controlPlaneTools, ensureGoTool, KUBERNETES_VERSION } from "./tools";

/** kwok cluster name of the local control plane. */
export const CLUSTER_NAME = "containercloud";

/** Which kwok cluster a call is about: the local control plane by default, or a test's own. */
export interface ClusterRef {
    /** kwok cluster name. */
    name: string;
    /** Kubeconfig path for it. */
    kubeconfig: string;
}
/** Folder of the local control plane's files. */
export const LOCAL_DIR = path.join(STATE, "local");
/** Kubeconfig the local stack and kubectl use. */
export const KUBECONFIG = path.join(LOCAL_DIR, "kubeconfig");
/** kwokctl keeps its cluster files under $HOME/.kwok; this HOME keeps them inside .state/. */
const KWOK_HOME = path.join(LOCAL_DIR, "kwok-home");

/** A simulated node and the role it plays. */
export interface SimulatedNode {
    name: string;
    role: "edge" | "storage" | "worker";
}

/** The local cluster's nodes: one edge, one storage, two workers. */
export const LOCAL_NODES: SimulatedNode[] = [
    { name: "edge-1", role: "edge" },
    { name: "storage-1", role: "storage" },
    { name: "worker-1", role: "worker" },
    { name: "worker-2", role: "worker" },
];

/** Label every node carries with its role (what the platform's node selectors use). */
export const NODE_ROLE_LABEL = "containercloud.io/node-role";

/** A kwok-managed Node manifest with a role label and generous simulated capacity. */
export function nodeManifest(n: SimulatedNode): Record<string, unknown> {
    const capacity = { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "200Gi" };
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: n.name,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/hostname": n.name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                [`node-role.kubernetes.io/${n.role}`]: "",
                [NODE_ROLE_LABEL]: n.role,
                type: "kwok",
            },
        },
        spec: {},
        status: { capacity, allocatable: capacity },
    };
}

/**
 * Statically provisioned PersistentVolumes for a StorageClass: the local cluster has no storage
 * driver, so PVCs of the platform's classes bind to these (the PV controller matches class, size and
 * access mode) and the scheduler can place the pods that use them.
 */
export function volumePool(storageClass: string, count: number, size = "100Gi"): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => ({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `local-${storageClass}-${i}`, labels: { "containercloud.io/local-pool": storageClass } },
        spec: {
            storageClassName: storageClass,
            capacity: { storage: size },
            accessModes: ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"],
            persistentVolumeReclaimPolicy: "Delete",
            hostPath: { path: `/var/lib/containercloud-local/${storageClass}/${i}` },
        },
    }));
}

/** Builds (or finds in the cache) every control-plane binary; returns their paths by name. */
export async function ensureControlPlaneTools(): Promise<Record<string, string>> {
    const bins: Record<string, string> = {};
    for (const tool of controlPlaneTools()) {
        const first = await ensureGoTool(tool, "local");
        const dir = path.dirname(first);
        for (const f of fs.readdirSync(dir)) {
            bins[f] = path.join(dir, f);
        }
    }
    return bins;
}

function kwokctl(args: string[], opts: { quiet?: boolean } = {}): { code: number; out: string } {
    const bin = path.join(path.dirname(cachedBinary(controlPlaneTools()[2])), "kwokctl");
    fs.mkdirSync(KWOK_HOME, { recursive: true });
    const r = spawnSync(bin, args, {
        encoding: "utf8",
        env: { ...process.env, HOME: KWOK_HOME, KWOK_KUBE_VERSION: KUBERNETES_VERSION },
        stdio: opts.quiet ? "pipe" : ["ignore", "inherit", "inherit"],
    });
    return { code: r.status ?? 1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** The local control plane. */
export const LOCAL_CLUSTER: ClusterRef = { name: CLUSTER_NAME, kubeconfig: KUBECONFIG };

/** Runs kubectl against a cluster (the local control plane by default). */
export function kubectl(args: string[], input?: string, cluster: ClusterRef = LOCAL_CLUSTER): { code: number; stdout: string; stderr: string } {
    const r = spawnSync("kubectl", ["--kubeconfig", cluster.kubeconfig, ...args], { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** True when the API server answers /readyz. */
export function isUp(cluster: ClusterRef = LOCAL_CLUSTER): boolean {
    if (!fs.existsSync(cluster.kubeconfig)) {
        return false;
    }
    const r = kubectl(["get", "--raw", "/readyz", "--request-timeout=5s"], undefined, cluster);
    return r.code === 0 && r.stdout.trim() === "ok";
}

function apply(objects: Record<string, unknown>[], cluster: ClusterRef): void {
    const r = kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }), cluster);
    if (r.code !== 0) {
        throw new Error(`kubectl apply failed: ${r.stderr}`);
    }
}

/** Options of `localUp`. */
export interface LocalUpOptions {
    /** StorageClasses to back with a pool of static volumes. @default [] */
    storageClasses?: string[];
    /** The cluster to start. @default the local control plane */
    cluster?: ClusterRef;
}

/** Starts the local control plane unless it runs; idempotent. Resolves to true when it had to start it. */
export async function localUp(opts: LocalUpOptions = {}): Promise<boolean> {
    const start = Date.now();
    const cluster = opts.cluster ?? LOCAL_CLUSTER;
    const bins = await ensureControlPlaneTools();
    const running = isUp(cluster);
    if (running) {
        say("local", `control plane already running (kubeconfig ${path.relative(ROOT, cluster.kubeconfig)})`);
    } else {
        fs.mkdirSync(path.dirname(cluster.kubeconfig), { recursive: true });
        // A stale cluster (e.g. after a reboot) is removed before it is created again.
        kwokctl(["delete", "cluster", "--name", cluster.name], { quiet: true });
        say("local", "starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok");
        const r = kwokctl([
            "create", "cluster", "--name", cluster.name, "--runtime", "binary",
            "--kube-apiserver-binary", bins["kube-apiserver"],
            "--kube-controller-manager-binary", bins["kube-controller-manager"],
            "--kube-scheduler-binary", bins["kube-scheduler"],
            "--etcd-binary", bins["etcd"],
            "--kwok-controller-binary", bins["kwok"],
            "--kubeconfig", cluster.kubeconfig,
            "--disable-qps-limits",
            "--wait", "3m",
        ], { quiet: true });
        fs.mkdirSync(LOGS, { recursive: true });
        fs.appendFileSync(path.join(LOGS, "local.log"), r.out);
        if (r.code !== 0) {
            throw new Error(`kwokctl could not create the cluster (exit ${r.code}); see .state/logs/local.log and ${path.relative(ROOT, KWOK_HOME)}`);
        }
    }
    apply(LOCAL_NODES.map(nodeManifest), cluster);
    const pools = (opts.storageClasses ?? []).flatMap((sc) => volumePool(sc, 24));
    if (pools.length > 0) {
        apply(pools, cluster);
    }
    say("local", `ready in ${elapsed(Date.now() - start)}: ${LOCAL_NODES.length} simulated nodes (${LOCAL_NODES.map((n) => `${n.name}:${n.role}`).join(", ")}); kubeconfig ${path.relative(process.cwd(), cluster.kubeconfig)}`);
    return !running;
}

/** Stops a cluster (the local control plane by default) and removes its data. */
export function localDown(cluster: ClusterRef = LOCAL_CLUSTER): void {
    const r = kwokctl(["delete", "cluster", "--name", cluster.name], { quiet: true });
    fs.rmSync(cluster.kubeconfig, { force: true });
    say("local", r.code === 0 ? "control plane stopped and its data removed" : "no local control plane was running");
}

/** One line per fact: whether it runs, the server version, the nodes. */
export function localStatus(): string[] {
    if (!isUp()) {
        return ["local control plane: not running (start it with `npm run local -- up`)"];
    }
    const v = kubectl(["version", "-o", "json"]);
    const server = v.code === 0 ? (JSON.parse(v.stdout).serverVersion?.gitVersion ?? "?") : "?";
    const nodes = kubectl(["get", "nodes", "-o", "custom-columns=NAME:.metadata.name,ROLE:.metadata.labels.containercloud\\.io/node-role,READY:.status.conditions[?(@.type=='Ready')].status", "--no-headers"]);
    return [
        `local control plane: running, Kubernetes ${server}, kubeconfig ${path.relative(process.cwd(), KUBECONFIG)}`,
        "components: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller (nodes and pods simulated; no container runtime)",
        ...nodes.stdout.trim().split("\n").filter(Boolean).map((l) => `node ${l.trim().replace(/\s+/g, " ")}`),
    ];
}
