/** kubectl against a cluster (the local one by default), with the kubectl built from the cluster's own Kubernetes module. */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { cachedBinary, controlPlaneTools } from "./tools";

/** A cluster a call is about. */
export interface ClusterRef {
    /** Kubeconfig path for it. */
    kubeconfig: string;
}

/** The kubectl binary built with the control plane (same module and version). */
export function kubectlBinary(): string {
    return path.join(path.dirname(cachedBinary(controlPlaneTools()[0])), "kubectl");
}

/** Result of a kubectl run. */
export interface KubectlResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs kubectl against `cluster`. */
export function kubectl(args: string[], input: string | undefined, cluster: ClusterRef): KubectlResult {
    const r = spawnSync(kubectlBinary(), ["--kubeconfig", cluster.kubeconfig, ...args], { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error ? String(r.error) : "") };
}

/** True when the API server answers /readyz. */
export function isUp(cluster: ClusterRef): boolean {
    if (!fs.existsSync(cluster.kubeconfig)) {
        return false;
    }
    const r = kubectl(["get", "--raw", "/readyz", "--request-timeout=5s"], undefined, cluster);
    return r.code === 0 && r.stdout.trim() === "ok";
}

/** `kubectl apply` of a list of objects (server-side, so repeated applies by `up` stay quiet). */
export function applyObjects(objects: Record<string, unknown>[], cluster: ClusterRef): void {
    const r = kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }), cluster);
    if (r.code !== 0) {
        throw new Error(`kubectl apply failed: ${r.stderr}`);
    }
}

/**
 * Statically provisioned PersistentVolumes for a StorageClass, backed by folders under `baseDir`:
 * PVCs of the platform's classes bind to these (the PV controller matches class, size and access
 * mode). Every local node shares this machine's filesystem, so a volume works on any node.
 */
export function volumePool(storageClass: string, count: number, baseDir: string, size = "100Gi"): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => ({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `local-${storageClass}-${i}`, labels: { "containercloud.io/local-pool": storageClass } },
        spec: {
            storageClassName: storageClass,
            capacity: { storage: size },
            accessModes: ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"],
            persistentVolumeReclaimPolicy: "Retain",
            hostPath: { path: path.join(baseDir, storageClass, String(i)), type: "DirectoryOrCreate" },
        },
    }));
}
