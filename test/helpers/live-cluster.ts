/**
 * What the end-to-end tests on the live local cluster share: kubectl against it, restricted-profile
 * busybox pods, waits and fetches from inside a pod. The cluster itself is started by
 * test/e2e/real-nodes.test.ts, which also runs the platform's smoke tests (test/e2e/platform/).
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_CLUSTER, localRegistry } from "../../scripts/lib/local-cluster";
import { kubectl } from "../../scripts/lib/kubectl";
import { cgroupRoot } from "../../scripts/lib/real-nodes";
import { BUSYBOX_IMAGE } from "../../components/versions";
import { mirrorImage } from "../../components/core/images";

/** The busybox image as the nodes pull it (through the host registry). */
export const IMAGE = mirrorImage(BUSYBOX_IMAGE, localRegistry());

export function k(args: string[], input?: string) {
    return kubectl(args, input, LOCAL_CLUSTER);
}

export function mustK(args: string[], input?: string): string {
    const r = k(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
}

/** A busybox pod, restricted-profile compliant so it is admitted in tenant namespaces too. */
export function pod(name: string, ns: string, command: string[], extra: { node?: string; labels?: Record<string, string>; limits?: Record<string, string>; restart?: string; port?: number } = {}) {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: ns, labels: { app: name, ...extra.labels } },
        spec: {
            nodeName: extra.node,
            restartPolicy: extra.restart ?? "Always",
            terminationGracePeriodSeconds: 1,
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
                name: "main",
                image: IMAGE,
                command,
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: extra.limits ?? { cpu: "200m", memory: "64Mi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                readinessProbe: extra.port ? { tcpSocket: { port: extra.port }, periodSeconds: 1 } : undefined,
            }],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
        },
    };
}

/** A web server pod answering `text` on port 8080. */
export function webPod(name: string, ns: string, text: string, extra: Parameters<typeof pod>[3] = {}) {
    return pod(name, ns, ["sh", "-c", `mkdir -p /tmp/www && echo '${text}' > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www`], { ...extra, port: 8080 });
}

export function waitReady(ns: string, names: string[]): void {
    mustK(["wait", "-n", ns, "--for=condition=Ready", "--timeout=180s", ...names.map((n) => `pod/${n}`)]);
}

export function podIp(ns: string, name: string): string {
    return mustK(["get", "pod", "-n", ns, name, "-o", "jsonpath={.status.podIP}"]).trim();
}

/** Fetches a URL from inside a pod (busybox wget, 5 s timeout). */
export function fetchFrom(ns: string, podName: string, url: string) {
    return k(["exec", "-n", ns, podName, "--", "wget", "-q", "-T", "5", "-O", "-", url]);
}

/** The host processes of a pod's first container, found in its cgroup under the node's cgroup root. */
export function containerPids(p: any, hierarchy = "memory"): { dir: string; pids: number[] } {
    const containerId = p.status.containerStatuses[0].containerID.replace(/^containerd:\/\//, "");
    const qos = p.status.qosClass === "Guaranteed" ? "" : `${p.status.qosClass.toLowerCase()}/`;
    const dir = path.join("/sys/fs/cgroup", hierarchy, cgroupRoot(p.spec.nodeName), `kubepods/${qos}pod${p.metadata.uid}`, containerId);
    const pids = fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    return { dir, pids };
}


/**
 * What a failed run needs to be understood from CI's output alone: every pod that is not Ready
 * (phase, waiting reasons, restarts) and the cluster's latest warning events.
 */
export function clusterSnapshot(): string {
    const pods = k(["get", "pods", "-A", "-o", "json"]);
    const lines: string[] = [];
    if (pods.code === 0) {
        for (const p of JSON.parse(pods.stdout).items as any[]) {
            const statuses = [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])] as any[];
            if (p.status.phase === "Succeeded" || (p.status.phase === "Running" && statuses.every((c) => c.ready || c.state?.terminated?.exitCode === 0))) {
                continue;
            }
            const why = statuses.map((c) => `${c.name}:${Object.entries(c.state ?? {}).map(([s, v]: [string, any]) => `${s}${v.reason ? `(${v.reason})` : ""}`).join()} restarts=${c.restartCount}`);
            lines.push(`${p.metadata.namespace}/${p.metadata.name} on ${p.spec.nodeName ?? "-"}: ${p.status.phase} ${why.join("; ")}`);
        }
    } else {
        lines.push(`kubectl get pods: ${pods.stderr}`);
    }
    const events = k(["get", "events", "-A", "--field-selector", "type=Warning", "--sort-by=.lastTimestamp", "-o", "custom-columns=NS:.metadata.namespace,OBJ:.involvedObject.name,REASON:.reason,MSG:.message", "--no-headers"]);
    const warnings = events.stdout.trim().split("\n").slice(-25).join("\n");
    return `pods not Ready:\n${lines.join("\n") || "(none)"}\nlatest warning events:\n${warnings}`;
}
