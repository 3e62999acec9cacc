/**
 * The Log Center on the live local stack: a line an example app printed on stdout (report-worker's
 * "building reports", data-jobs namespace) reaches VictoriaLogs through the node agent (the
 * collector's filelog receiver → OTLP/HTTP) and is found there by a LogsQL query.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mustK } from "../../helpers/live-cluster";

/** A pod's IP by label in a namespace (the host reaches pod IPs directly). */
function podIpByLabel(ns: string, app: string): string {
    const ip = mustK(["get", "pods", "-n", ns, "-l", `app.kubernetes.io/name=${app}`, "-o", "jsonpath={.items[0].status.podIP}"]).trim();
    assert.ok(ip, `no ${app} pod with an IP in ${ns}`);
    return ip;
}

/** LogsQL query against VictoriaLogs; one JSON object per stored line. */
async function logsQuery(base: string, query: string): Promise<Record<string, string>[]> {
    const res = await fetch(`${base}/select/logsql/query?${new URLSearchParams({ query, limit: "20" })}`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200, `LogsQL ${query}: ${res.status} ${await res.text()}`);
    return (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

export function telemetrySmoke(): void {
    describe("telemetry: Log Center", () => {
        it("finds a line report-worker printed on stdout in VictoriaLogs by a LogsQL query", async () => {
            const base = `http://${podIpByLabel("containercloud-logging", "victoria-logs")}:9428`;
            const deadline = Date.now() + 180_000;
            let hits: Record<string, string>[] = [];
            // The agent batches and the store flushes: poll until the line is there (bounded).
            while (Date.now() < deadline) {
                hits = (await logsQuery(base, `"building reports"`)).filter((h) => h["k8s.namespace.name"] === "data-jobs");
                if (hits.length > 0) {
                    break;
                }
                await new Promise((r) => setTimeout(r, 5000));
            }
            assert.ok(hits.length > 0, "no 'building reports' line of namespace data-jobs in VictoriaLogs after 180 s");
            assert.match(hits[0]._msg, /building reports/);
            assert.match(hits[0]["k8s.pod.name"], /^report-worker/);
            assert.ok(hits[0]["k8s.container.name"], "the line carries its container name");
        });

        it("answers an empty result for a line nobody printed (the query can fail)", async () => {
            const base = `http://${podIpByLabel("containercloud-logging", "victoria-logs")}:9428`;
            assert.deepEqual(await logsQuery(base, `"no app printed this ${Date.now()}"`), []);
        });
    });
}
