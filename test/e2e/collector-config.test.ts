/**
 * The OpenTelemetry collector's own `validate` command (the binary the local image carries) on the
 * collector configs of every environment's real render: Platform Support's collector and the Log
 * Center's node agent. The binary is built by `npm test` (ensureLocalClusterTools) before tests run.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderedManifests } from "../helpers/rendered";
import { cachedBinary } from "../../scripts/lib/tools";
import { otelcolTool } from "../../scripts/lib/telemetry-images";

const ENVS = ["local", "dev", "staging", "prod"];
const COLLECTORS = ["otel-collector", "log-agent"];
const configs: Record<string, { app: string; yaml: string }[]> = {};
/** The config files handed to `otelcol validate`, removed after the tests. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "otelcol-"));

describe("collector configs pass `otelcol validate` in every environment", () => {
    before(async () => {
        for (const env of ENVS) {
            configs[env] = (await renderedManifests(env))
                .filter((m: any) => m.kind === "ConfigMap" && COLLECTORS.includes(m.metadata.labels?.["app.kubernetes.io/name"]))
                .map((m: any) => ({ app: m.metadata.labels["app.kubernetes.io/name"], yaml: m.data["config.yaml"] }));
        }
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    for (const env of ENVS) {
        it(`${env}: every collector config validates`, () => {
            const bin = cachedBinary(otelcolTool());
            assert.ok(fs.existsSync(bin), `${bin} is missing: npm test builds it (or node scripts/run.mjs setup)`);
            const apps = configs[env].map((c) => c.app).sort();
            // Every environment runs both: Platform Support's collector and the Log Center's agent.
            assert.deepEqual(apps, ["log-agent", "otel-collector"]);
            for (const c of configs[env]) {
                const file = path.join(scratch, `${env}-${c.app}.yaml`);
                fs.writeFileSync(file, c.yaml);
                const r = spawnSync(bin, ["validate", `--config=${file}`], { encoding: "utf8" });
                assert.equal(r.status, 0, `${env} ${c.app}: ${r.stderr}`);
            }
        });
    }

    it("rejects a config naming a component the distribution lacks (validate can fail)", () => {
        const file = path.join(scratch, "kafka.yaml");
        fs.writeFileSync(file, "receivers: { kafka: {} }\nexporters: { debug: {} }\nservice: { pipelines: { logs: { receivers: [kafka], exporters: [debug] } } }\n");
        const r = spawnSync(cachedBinary(otelcolTool()), ["validate", `--config=${file}`], { encoding: "utf8" });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /kafka/);
    });
});
