/**
 * A worker node lost on the live local stack: its kubelet, containerd, kube-proxy and every
 * container killed at once (scripts/lib/local-cluster.ts `localStopNode`), as a crash or a power
 * loss leaves it. A bounded loop of requests through the router to shop-web, which runs two stable
 * and two canary instances, each track spread over the hosts, measures the window in which
 * requests fail: the node controller's grace period (40 s on the local cluster) until it marks the
 * node's pods not ready and their endpoints go. Once the eviction tolerance of app pods has passed (30 s), the
 * Deployments start the lost pods on the other nodes. `localUp` then starts the node again, and the
 * test waits until every platform workload is whole, for the tests after it.
 *
 * Runs last among the platform's smoke tests: it moves pods.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { LOCAL_NODES, localStopNode, localUp } from "../../../scripts/lib/local-cluster";
import { localCidrs, localStorageClasses } from "../../../scripts/lib/local-stack";
import { k, mustK } from "../../helpers/live-cluster";

/** The router's namespace and Service (AppRouter's defaults) and the app's host. */
const ROUTER_NS = "containercloud-router";
const HOST = "shop.local.containercloud.test";
/** shop-web's web pods, both tracks (stacks/apps/local/shop-web.yaml). */
const APP_NS = "shop";
const APP_PODS = "app.kubernetes.io/instance=shop-web-web";
/** Requests may fail for this long after the node stops (the README's documented window). */
const WINDOW_S = 60;
/** The whole loop's bound. */
const LOOP_S = 240;

interface Attempt { at: number; ok: boolean }

function appPods(): { name: string; track: string; node: string; ready: boolean; deleting: boolean }[] {
    const items = JSON.parse(mustK(["get", "pods", "-n", APP_NS, "-l", APP_PODS, "-o", "json"])).items as any[];
    return items.map((p) => ({
        name: p.metadata.name,
        track: p.metadata.labels?.track ?? "",
        node: p.spec.nodeName ?? "",
        ready: (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
        deleting: Boolean(p.metadata.deletionTimestamp),
    }));
}

function nodeReady(name: string): string {
    return k(["get", "node", name, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"]).stdout.trim();
}

/** One request through the router, answered in at most 2 s. */
function request(ip: string): boolean {
    const r = spawnSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "--resolve", `${HOST}:80:${ip}`, `http://${HOST}/`], { encoding: "utf8" });
    return r.stdout.trim() === "200";
}

/** Workloads of every namespace whose ready count is below the desired count. */
function unready(): string[] {
    const items = JSON.parse(mustK(["get", "deploy,sts,ds", "-A", "-o", "json"])).items as any[];
    return items.filter((w) => {
        const desired = w.kind === "DaemonSet" ? w.status?.desiredNumberScheduled : (w.spec?.replicas ?? 1);
        const ready = w.kind === "DaemonSet" ? w.status?.numberReady : w.status?.readyReplicas;
        return (ready ?? 0) < desired;
    }).map((w) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`);
}

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function nodeLossSmoke(): void {
    describe("a node lost (kubelet, containerd and containers killed)", () => {
        it("the app of two instances answers again through the router within the window, its pods move once the node is gone, and the node comes back", async (t) => {
            const ip = mustK(["get", "service", "-n", ROUTER_NS, "traefik", "-o", "jsonpath={.spec.clusterIP}"]).trim();
            // The request path's own single pods (the local router's one replica, the cluster DNS it
            // resolves the app's Services with) must not be on the node lost: that would be their loss.
            const pathNodes = [
                ...JSON.parse(mustK(["get", "pods", "-n", ROUTER_NS, "-o", "json"])).items,
                ...JSON.parse(mustK(["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "json"])).items,
            ].map((p: any) => p.spec.nodeName as string);
            const before = appPods();
            const tracks = [...new Set(before.map((p) => p.track))].sort();
            assert.deepEqual(tracks, ["canary", "stable"]);
            assert.ok(before.filter((p) => p.ready).length >= 4, `shop-web should run two stable and two canary instances: ${JSON.stringify(before)}`);
            // A node with some of the app's pods while each track keeps one elsewhere (each track
            // spreads over hosts), and none of the request path's.
            // Any node of its own network namespace (edge-1 is the host's): workers first. The local
            // cluster places apps by preference, so they may run on the storage node too.
            const nodes = LOCAL_NODES.filter((n) => n.netns).sort((a, b) => Number(b.role === "worker") - Number(a.role === "worker")).map((n) => n.name);
            const victim = nodes.find((w) => before.some((p) => p.node === w) && !pathNodes.includes(w) &&
                tracks.every((tr) => before.some((p) => p.track === tr && p.node !== w)));
            assert.ok(victim, `no node can be lost with one pod of each track left elsewhere: ${JSON.stringify(before)}`);
            for (let i = 0; i < 10; i++) {
                assert.ok(request(ip), "shop-web does not answer through the router before the node loss");
            }

            const start = Date.now();
            const since = () => (Date.now() - start) / 1000;
            await localStopNode(victim);
            t.diagnostic(`${victim} stopped in ${since().toFixed(1)} s; it held ${before.filter((p) => p.node === victim).map((p) => p.name).join(", ")}`);

            // Requests until the pods have moved and 50 requests in a row have answered.
            const attempts: Attempt[] = [];
            let notReadyAt: number | undefined;
            let movedAt: number | undefined;
            let streak = 0;
            while (since() < LOOP_S && (movedAt === undefined || streak < 50)) {
                const ok = request(ip);
                attempts.push({ at: since(), ok });
                streak = ok ? streak + 1 : 0;
                if (notReadyAt === undefined && nodeReady(victim) !== "True") {
                    notReadyAt = since();
                }
                if (movedAt === undefined) {
                    const now = appPods().filter((p) => !p.deleting);
                    if (now.length >= before.length && now.every((p) => p.ready && p.node !== victim)) {
                        movedAt = since();
                    }
                }
                sleep(200);
            }
            const failed = attempts.filter((a) => !a.ok);
            const lastFailure = failed.length > 0 ? failed[failed.length - 1].at : 0;
            t.diagnostic(`${attempts.length} requests, ${failed.length} failed` +
                (failed.length > 0 ? ` between ${failed[0].at.toFixed(1)} s and ${lastFailure.toFixed(1)} s` : "") +
                `; node not ready at ${notReadyAt?.toFixed(1) ?? "never"} s; pods moved at ${movedAt?.toFixed(1) ?? "never"} s`);
            assert.ok(movedAt !== undefined, `shop-web's pods did not move off ${victim} in ${LOOP_S} s: ${JSON.stringify(appPods())}`);
            assert.ok(lastFailure <= WINDOW_S, `requests still failed ${lastFailure.toFixed(1)} s after the node stopped (window ${WINDOW_S} s)`);
            assert.ok(streak >= 50, "the app did not answer 50 requests in a row after its pods moved");

            await localUp({ storageClasses: localStorageClasses(), cidrs: localCidrs() });
            mustK(["wait", "--for=condition=Ready", `node/${victim}`, "--timeout=180s"]);
            let left = unready();
            for (let i = 0; i < 90 && left.length > 0; i++) {
                sleep(2000);
                left = unready();
            }
            assert.deepEqual(left, [], "workloads not whole again 3 min after the node came back");
        });
    });
}
