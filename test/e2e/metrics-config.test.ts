/**
 * Platform Support's rendered configuration, checked by the real tools of the versions it runs:
 * `promtool check config` and `promtool check rules` (Prometheus 3.16.0) and `amtool check-config`
 * (Alertmanager 0.35.0), on the manifests a real render of every environment writes. The tools are
 * built (or taken from the cache) by ensureGoTool in the setup: a missing tool is built, never skipped.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderedManifests } from "../helpers/rendered";
import { ensureGoTool } from "../../scripts/lib/tools";
import { alertmanagerTool, prometheusTool } from "../../scripts/lib/metrics-tools";

type ConfigMap = { kind: string; data?: Record<string, string> };

const ENVS = ["local", "dev", "staging", "prod"];
const files: Record<string, { prometheus: string; rules: string; alertmanager: string }> = {};
let promtool = "";
let amtool = "";
/** The config files handed to promtool and amtool, removed after the tests. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-config-"));

/** Writes the one ConfigMap entry named `key` of a render to `dir`; fails unless exactly one exists. */
function writeEntry(manifests: ConfigMap[], key: string, dir: string): string {
    const found = manifests.filter((m) => m.kind === "ConfigMap" && m.data?.[key] !== undefined);
    assert.equal(found.length, 1, `one ConfigMap holds ${key}`);
    const file = path.join(dir, key);
    fs.writeFileSync(file, found[0].data![key]);
    return file;
}

function run(bin: string, args: string[]): { code: number | null; out: string } {
    const r = spawnSync(bin, args, { encoding: "utf8" });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("Platform Support's rendered config passes promtool and amtool (every environment)", () => {
    before(async () => {
        const prom = await ensureGoTool(prometheusTool(), "test");
        promtool = path.join(path.dirname(prom), "promtool");
        const am = await ensureGoTool(alertmanagerTool(), "test");
        amtool = path.join(path.dirname(am), "amtool");
        for (const env of ENVS) {
            const out = path.join(scratch, env);
            fs.mkdirSync(out);
            const rendered = (await renderedManifests(env)) as ConfigMap[];
            files[env] = {
                prometheus: writeEntry(rendered, "prometheus.yml", out),
                rules: writeEntry(rendered, "containercloud.yml", out),
                alertmanager: writeEntry(rendered, "alertmanager.yml", out),
            };
        }
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("builds promtool and amtool of the pinned versions", () => {
        assert.match(run(promtool, ["--version"]).out, /promtool, version 3\.16\.0/);
        assert.match(run(amtool, ["--version"]).out, /amtool, version 0\.35\.0/);
    });

    for (const env of ENVS) {
        // --syntax-only: the files the config names (the service account's token and CA, the rules
        // folder) exist only in the pod; the rules are checked on their own below.
        it(`${env}: promtool check config accepts prometheus.yml`, () => {
            const r = run(promtool, ["check", "config", "--syntax-only", files[env].prometheus]);
            assert.equal(r.code, 0, r.out);
        });

        it(`${env}: promtool check rules accepts the alert rules`, () => {
            const r = run(promtool, ["check", "rules", files[env].rules]);
            assert.equal(r.code, 0, r.out);
            assert.match(r.out, /SUCCESS: \d+ rules found/);
        });

        it(`${env}: amtool check-config accepts alertmanager.yml`, () => {
            const r = run(amtool, ["check-config", files[env].alertmanager]);
            assert.equal(r.code, 0, r.out);
        });
    }

    it("the checks can fail: promtool refuses an invalid config", () => {
        const bad = path.join(scratch, "bad-prometheus.yml");
        // An unknown scrape protocol: the config parser rejects it.
        fs.writeFileSync(bad, "global:\n  scrape_protocols: [NotAProtocol]\nscrape_configs: []\n");
        assert.notEqual(run(promtool, ["check", "config", "--syntax-only", bad]).code, 0);
    });
});
