/**
 * Simulated nodes, for scale only: a real etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler built from Go modules, started by kwokctl (`--runtime binary`) with kwok
 * simulating the nodes. kwok marks pods Running and Ready (and Job pods Succeeded), so workloads
 * roll out as far as the control plane can judge, but no container ever runs: a kwok cluster is
 * never the evidence that a feature works (the real local cluster is, scripts/lib/local-cluster.ts).
 * The life-cycle test of Pulumi's state uses one.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { LOGS, ROOT, STATE } from "./paths";
import { elapsed, say } from "./log";
import { cachedBinary, controlPlaneTools, KUBERNETES_VERSION } from "./tools";
import { ensureControlPlaneTools } from "./control-plane";
import { NODE_ROLE_LABEL } from "../../components/app-engine/workload";
import { ClusterRef, applyObjects, isUp, volumePool } from "./kubectl";

/** A kwok cluster: its name and kubeconfig. */
export interface KwokCluster extends ClusterRef {
    /** kwok cluster name. */
    name: string;
}

/** kwokctl keeps its cluster files under $HOME/.kwok; this HOME keeps them inside .state/. */
const KWOK_HOME = path.join(STATE, "kwok-home");

/** A simulated node and the role it plays. */
export interface SimulatedNode {
    name: string;
    role: "edge" | "storage" | "worker";
}

/** A kwok cluster's nodes: one edge, one storage, two workers. */
export const KWOK_NODES: SimulatedNode[] = [
    { name: "edge-1", role: "edge" },
    { name: "storage-1", role: "storage" },
    { name: "worker-1", role: "worker" },
    { name: "worker-2", role: "worker" },
];

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

/** Options of `kwokUp`. */
export interface KwokUpOptions {
    /** StorageClasses to back with a pool of static volumes. @default [] */
    storageClasses?: string[];
    /** The cluster to start. */
    cluster: KwokCluster;
}

/** Starts a kwok cluster unless it runs; idempotent. Resolves to true when it had to start it. */
export async function kwokUp(opts: KwokUpOptions): Promise<boolean> {
    const start = Date.now();
    const cluster = opts.cluster;
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
    applyObjects(KWOK_NODES.map(nodeManifest), cluster);
    const pools = (opts.storageClasses ?? []).flatMap((sc) => volumePool(sc, 24, "/var/lib/containercloud-kwok"));
    if (pools.length > 0) {
        applyObjects(pools, cluster);
    }
    say("local", `ready in ${elapsed(Date.now() - start)}: ${KWOK_NODES.length} simulated nodes (${KWOK_NODES.map((n) => `${n.name}:${n.role}`).join(", ")}); kubeconfig ${path.relative(process.cwd(), cluster.kubeconfig)}`);
    return !running;
}

/** Stops a kwok cluster and removes its data. */
export function kwokDown(cluster: KwokCluster): void {
    const r = kwokctl(["delete", "cluster", "--name", cluster.name], { quiet: true });
    fs.rmSync(cluster.kubeconfig, { force: true });
    say("local", r.code === 0 ? `kwok cluster ${cluster.name} stopped and its data removed` : `no kwok cluster ${cluster.name} was running`);
}
