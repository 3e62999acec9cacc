/**
 * Platform Support's metrics parts on the live local stack: Prometheus scrapes the platform's own
 * targets and an example app (shop-web's exporter, through the tenant's NetworkPolicy), its alert
 * rules are loaded, the always-firing Watchdog reaches Alertmanager, and Alertmanager serves its
 * config. Every request goes through the API server's service proxy to the real pods.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { k } from "../../helpers/live-cluster";

const NS = "containercloud-monitoring";
/** The tenant namespace and app of the example whose metrics Prometheus must scrape. */
const APP = { namespace: "shop", pod: /^shop-web-web-/ };
/** Scrapes and rule evaluations run every 30 s; the first of each can take a minute after start. */
const DEADLINE_MS = 180_000;

/** GET through the API server's proxy to a Service of the monitoring namespace; undefined while it does not answer. */
function proxyGet(service: string, pathAndQuery: string): any | undefined {
    const r = k(["get", "--raw", `/api/v1/namespaces/${NS}/services/${service}/proxy${pathAndQuery}`]);
    return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

/** Polls `probe` until it returns a value that is not undefined, or fails with `what` and the last answer. */
export async function eventually<T>(what: string, probe: () => T | undefined, last: () => unknown): Promise<T> {
    const end = Date.now() + DEADLINE_MS;
    for (;;) {
        const v = probe();
        if (v !== undefined) {
            return v;
        }
        if (Date.now() > end) {
            assert.fail(`${what} within ${DEADLINE_MS / 1000} s; last answer: ${JSON.stringify(last()).slice(0, 1500)}`);
        }
        await new Promise((r) => setTimeout(r, 5000));
    }
}

/** The instant-query result of PromQL `q`. */
export function query(q: string): any[] | undefined {
    return proxyGet("prometheus:http", `/api/v1/query?query=${encodeURIComponent(q)}`)?.data?.result;
}

export function metricsSmoke(): void {
    describe("Platform Support metrics (Prometheus, Alertmanager)", () => {
        for (const job of ["prometheus", "alertmanager", "kubernetes-apiservers"]) {
            it(`scrapes the platform's ${job} target: up == 1`, async () => {
                const q = `up{job="${job}"} == 1`;
                const r = await eventually(`${q} returns a series`, () => { const x = query(q); return x && x.length > 0 ? x : undefined; }, () => query(`up{job="${job}"}`));
                assert.equal(r[0].value[1], "1");
            });
        }

        it("scrapes the example app shop-web through the tenant's NetworkPolicy: up == 1 and its own metrics", async () => {
            const q = `up{job="kubernetes-pods",namespace="${APP.namespace}"} == 1`;
            const r = await eventually(`${q} returns a series`, () => { const x = query(q); return x && x.length > 0 ? x : undefined; },
                () => proxyGet("prometheus:http", "/api/v1/targets?state=active")?.data?.activeTargets?.filter((t: any) => t.labels.namespace === APP.namespace));
            assert.match(r[0].metric.pod, APP.pod);
            // What the app's exporter reports about its own container, not a constant.
            const mem = query(`shop_web_memory_usage_bytes{namespace="${APP.namespace}"}`) ?? [];
            assert.ok(mem.length > 0 && Number(mem[0].value[1]) > 0, JSON.stringify(mem));
        });

        it("loads the platform's alert rules, Watchdog among them, and it fires", async () => {
            const rules = await eventually("Prometheus reports a firing Watchdog rule", () => {
                const all = (proxyGet("prometheus:http", "/api/v1/rules?type=alert")?.data?.groups ?? []).flatMap((g: any) => g.rules);
                const w = all.find((x: any) => x.name === "Watchdog");
                return w && w.state === "firing" ? all : undefined;
            }, () => proxyGet("prometheus:http", "/api/v1/rules?type=alert"));
            for (const name of ["TargetDown", "PrometheusNotIngesting", "VolumeFillingUp"]) {
                assert.ok(rules.some((x: any) => x.name === name), `rule ${name} loaded`);
            }
        });

        it("delivers the firing Watchdog to Alertmanager (/api/v2/alerts)", async () => {
            const alerts = await eventually("Alertmanager holds the Watchdog alert", () => {
                const a = proxyGet("alertmanager:http", "/api/v2/alerts?active=true") as any[] | undefined;
                return a?.some((x) => x.labels.alertname === "Watchdog") ? a : undefined;
            }, () => proxyGet("alertmanager:http", "/api/v2/alerts"));
            assert.equal(alerts.find((x) => x.labels.alertname === "Watchdog").status.state, "active");
        });

        it("serves Alertmanager's config and version (/api/v2/status)", () => {
            const s = proxyGet("alertmanager:http", "/api/v2/status");
            assert.ok(s, "Alertmanager answers /api/v2/status");
            assert.match(s.config.original, /receiver: "?default"?/);
            assert.equal(s.versionInfo.version, "0.35.0");
        });
    });
}
