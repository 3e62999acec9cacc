/**
 * Every platform workload of the `local` stack runs on the real nodes: each pod Running with every
 * container Ready and no restart loop.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mustK } from "../../helpers/live-cluster";

/** Pods that do not run: not Running/Succeeded, a container not Ready, or restarted more than `maxRestarts`. */
export function unhealthyPods(pods: any[], maxRestarts = 2): string[] {
    const out: string[] = [];
    for (const p of pods) {
        const name = `${p.metadata.namespace}/${p.metadata.name}`;
        if (p.status.phase === "Succeeded") {
            continue;
        }
        const statuses: any[] = p.status.containerStatuses ?? [];
        const notReady = statuses.filter((c) => !c.ready).map((c) => c.name);
        const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);
        if (p.status.phase !== "Running" || notReady.length > 0 || statuses.length === 0) {
            out.push(`${name}: ${p.status.phase}${notReady.length ? `, not ready: ${notReady.join(",")}` : ""}`);
        } else if (restarts > maxRestarts) {
            out.push(`${name}: restarted ${restarts} times`);
        }
    }
    return out;
}

export function workloadsSmoke(): void {
    describe("platform workloads", () => {
        it("runs every pod of the local stack Running and Ready, with no restart loop", () => {
            // Rollouts of every namespace's workloads first (bounded), then one look at every pod.
            for (const kind of ["deployment", "statefulset", "daemonset"]) {
                const items = JSON.parse(mustK(["get", kind, "-A", "-o", "json"])).items as any[];
                for (const w of items) {
                    mustK(["rollout", "status", "-n", w.metadata.namespace, `${kind}/${w.metadata.name}`, "--timeout=300s"]);
                }
            }
            const pods = JSON.parse(mustK(["get", "pods", "-A", "-o", "json"])).items as any[];
            assert.ok(pods.length > 0);
            assert.deepEqual(unhealthyPods(pods), []);
        });
    });
}
