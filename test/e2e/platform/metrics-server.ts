/**
 * Platform Control's metrics-server on the live local stack: the `metrics.k8s.io` API, served
 * through the API server's aggregation layer, reports every real node's and an app pod's usage, as
 * read from the kubelets (whose serving certificates it verifies).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_NODES } from "../../../scripts/lib/local-cluster";
import { k, mustK } from "../../helpers/live-cluster";

/** Reads a metrics.k8s.io list, waiting (bounded) for metrics-server's first scrapes. */
function metricsList(path: string, want: (items: any[]) => boolean): any[] {
    let last = "";
    for (let i = 0; i < 30; i++) {
        const r = k(["get", "--raw", path]);
        if (r.code === 0) {
            const items = JSON.parse(r.stdout).items as any[];
            if (want(items)) {
                return items;
            }
            last = `${items.length} items`;
        } else {
            last = r.stderr.trim();
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    }
    assert.fail(`${path}: no complete answer after 30 attempts (last: ${last})`);
}

export function metricsServerSmoke(): void {
    describe("metrics-server", () => {
        it("registers the metrics API, Available through the aggregation layer", () => {
            mustK(["wait", "--for=condition=Available", "apiservice/v1beta1.metrics.k8s.io", "--timeout=180s"]);
        });

        it("reports the CPU and memory of every real node", () => {
            const nodes = metricsList("/apis/metrics.k8s.io/v1beta1/nodes", (items) => items.length === LOCAL_NODES.length);
            assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), LOCAL_NODES.map((n) => n.name).sort());
            for (const n of nodes) {
                assert.match(n.usage.cpu, /^\d+n$/);
                assert.ok(Number.parseInt(n.usage.memory, 10) > 0, `${n.metadata.name}: memory ${n.usage.memory}`);
            }
        });

        it("reports an app pod's usage, which the HPA reads", () => {
            const pods = metricsList("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", (items) => items.some((p) => p.metadata.name.startsWith("shop-web")));
            const web = pods.find((p) => p.metadata.name.startsWith("shop-web"));
            assert.ok(web.containers.length > 0);
            assert.ok(Number.parseInt(web.containers[0].usage.memory, 10) > 0);
        });
    });
}
