/**
 * The Log Center on the live local stack: a line an example app printed on stdout (report-worker's
 * "building reports", data-jobs namespace) reaches VictoriaLogs through the node agent (the
 * collector's filelog receiver → OTLP/HTTP) and is found there by a LogsQL query.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { k, mustK, pod, waitReady } from "../../helpers/live-cluster";
import { eventually, query } from "./metrics";

/** The collector's Service (Platform Support's defaults) and the tenant pod that sends to it. */
const COLLECTOR = "otel-collector.containercloud-monitoring.svc";
const SENDER = { ns: "shop", name: "otlp-smoke" };

/** An OTLP/JSON metrics request with one gauge of `value`, as an app's SDK would export it. */
function otlpGauge(value: number): string {
    return JSON.stringify({
        resourceMetrics: [{
            resource: { attributes: [{ key: "service.name", value: { stringValue: "otlp-smoke" } }] },
            scopeMetrics: [{ metrics: [{ name: "containercloud_smoke_value", gauge: { dataPoints: [{ asDouble: value, timeUnixNano: `${Date.now()}000000` }] } }] }],
        }],
    });
}

/** POST from the tenant's pod (busybox wget, 5 s timeout). */
function postFromSender(url: string, body: string) {
    return k(["exec", "-n", SENDER.ns, SENDER.name, "--", "wget", "-q", "-T", "5", "-O", "-", "--header", "Content-Type: application/json", "--post-data", body, url]);
}

/** A pod's IP by label in a namespace (the host reaches pod IPs directly). */
function podIpByLabel(ns: string, app: string): string {
    const ip = mustK(["get", "pods", "-n", ns, "-l", `app.kubernetes.io/name=${app}`, "-o", "jsonpath={.items[0].status.podIP}"]).trim();
    assert.ok(ip, `no ${app} pod with an IP in ${ns}`);
    return ip;
}

/** LogsQL query against VictoriaLogs; one JSON object per stored line. */
async function logsQuery(base: string, query: string): Promise<Record<string, string>[]> {
    const res = await fetch(`${base}/select/logsql/query?${new URLSearchParams({ query, limit: "20" })}`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    assert.equal(res.status, 200, `LogsQL ${query}: ${res.status} ${text}`);
    return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

export function telemetrySmoke(): void {
    describe("telemetry: the OpenTelemetry collector", () => {
        before(() => {
            mustK(["apply", "-f", "-"], JSON.stringify(pod(SENDER.name, SENDER.ns, ["sleep", "3600"])));
            waitReady(SENDER.ns, [SENDER.name]);
        });
        after(() => {
            k(["delete", "pod", "-n", SENDER.ns, SENDER.name, "--ignore-not-found", "--grace-period=1"]);
        });

        it("accepts an app's OTLP metric through the tenant's NetworkPolicy, and Prometheus reads it back", async () => {
            const value = Math.floor(Math.random() * 1_000_000) + 1;
            const sent = postFromSender(`http://${COLLECTOR}:4318/v1/metrics`, otlpGauge(value));
            assert.equal(sent.code, 0, `OTLP/HTTP export from ${SENDER.ns} refused: ${sent.stderr}`);
            // The collector's Prometheus exporter holds it; Prometheus scrapes that every 30 s.
            const series = await eventually(`containercloud_smoke_value == ${value} in Prometheus`, () => {
                const r = query(`containercloud_smoke_value == ${value}`);
                return r && r.length > 0 ? r : undefined;
            }, () => query("containercloud_smoke_value"));
            assert.equal(Number(series[0].value[1]), value);
        });

        it("accepts an OTLP span over HTTP", () => {
            const span = JSON.stringify({
                resourceSpans: [{
                    resource: { attributes: [{ key: "service.name", value: { stringValue: "otlp-smoke" } }] },
                    scopeSpans: [{ spans: [{ traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", name: "smoke", kind: 1, startTimeUnixNano: `${Date.now()}000000`, endTimeUnixNano: `${Date.now() + 1}000000` }] }],
                }],
            });
            const r = postFromSender(`http://${COLLECTOR}:4318/v1/traces`, span);
            assert.equal(r.code, 0, r.stderr);
            assert.doesNotMatch(r.stdout, /rejected/i, r.stdout);
        });

        it("lets the tenant reach only the OTLP ports of the monitoring namespace", () => {
            const r = k(["exec", "-n", SENDER.ns, SENDER.name, "--", "wget", "-q", "-T", "5", "-O", "-", `http://${COLLECTOR}:8889/metrics`]);
            assert.notEqual(r.code, 0, "a tenant pod read the collector's metrics port");
        });
    });

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
