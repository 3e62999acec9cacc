import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../../policies/rules";
import type { PolicyConfigEntry } from "./harness";

const ROOT = path.join(__dirname, "../..");
const PACK = path.join(ROOT, "policies");
const ENVS = ["local", "dev", "staging", "prod"];
const AVAILABILITY = ["min-replicas", "pod-disruption-budget", "replica-spread", "health-probes"];

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;
const config = (env: string) => readJson<Record<string, PolicyConfigEntry>>(path.join(PACK, "config", `${env}.json`));
const levelIn = (entry: PolicyConfigEntry | undefined) => (typeof entry === "string" ? entry : entry?.enforcementLevel);

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
            return e.name === "node_modules" ? [] : sourceFiles(full);
        }
        return e.name.endsWith(".ts") ? [full] : [];
    });
}

describe("policy pack", () => {
    it("names every policy in kebab-case, once, after its rule file", () => {
        const names = allPolicies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const name of names) {
            assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(fs.existsSync(path.join(PACK, "rules", `${name}.ts`)), `rules/${name}.ts`);
        }
    });

    it("gives every policy a one-sentence description, remediation steps, a level and an exemptibility", () => {
        for (const p of allPolicies) {
            assert.match(p.description, /^[A-Z].*\.$/, p.name);
            assert.doesNotMatch(p.description.slice(0, -1), /\.\s+[A-Z]/, `${p.name}: one sentence`);
            assert.ok((p.remediationSteps ?? "").length > 20, `${p.name}: remediationSteps`);
            assert.ok(p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory", p.name);
            assert.equal(typeof p.exemptible, "boolean");
        }
    });

    it("keeps the README table in step with the rules", () => {
        const readme = fs.readFileSync(path.join(PACK, "README.md"), "utf8");
        for (const p of allPolicies) {
            const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.name}\` |`));
            assert.ok(row, `README lists ${p.name}`);
            const cells = row.split("|").map((c) => c.trim());
            assert.equal(cells[3], p.enforcementLevel, `${p.name} default level`);
            assert.equal(cells[4], p.exemptible ? "yes" : "no", `${p.name} exemptible`);
        }
    });

    for (const env of ENVS) {
        it(`config/${env}.json names only known policies and declared properties of the right type`, () => {
            for (const [name, entry] of Object.entries(config(env))) {
                const policy = allPolicies.find((p) => p.name === name);
                assert.ok(policy, `${env}: unknown policy ${name}`);
                assert.ok(["advisory", "mandatory", "disabled", undefined].includes(levelIn(entry)), `${env}: ${name} level`);
                if (typeof entry === "string") {
                    continue;
                }
                for (const [key, value] of Object.entries(entry).filter(([k]) => k !== "enforcementLevel")) {
                    const schema: { type?: unknown } | undefined = policy.configSchema?.properties[key];
                    assert.ok(schema, `${env}: ${name}.${key} is not in the configSchema`);
                    const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
                    assert.equal(type, schema.type, `${env}: ${name}.${key}`);
                }
            }
        });
    }

    it("makes availability advisory in local/dev and mandatory in staging/prod", () => {
        for (const env of ENVS) {
            const expected = env === "local" || env === "dev" ? "advisory" : "mandatory";
            for (const name of AVAILABILITY) {
                const level = levelIn(config(env)[name]) ?? allPolicies.find((p) => p.name === name)?.enforcementLevel;
                assert.equal(level, expected, `${env}: ${name}`);
            }
        }
    });

    it("asks for storage replication 1 in dev and 3 in prod", () => {
        const min = (env: string) => (config(env)["ceph-pool-replication"] as { minReplication: number }).minReplication;
        assert.equal(min("dev"), 1);
        assert.equal(min("prod"), 3);
    });

    it("pins the pack's dependencies to the root's exact versions", () => {
        const pack = readJson<{ dependencies: Record<string, string>; devDependencies: Record<string, string> }>(path.join(PACK, "package.json"));
        const root = readJson<{ dependencies: Record<string, string>; devDependencies: Record<string, string> }>(path.join(ROOT, "package.json"));
        const rootAll = { ...root.dependencies, ...root.devDependencies };
        for (const [name, version] of Object.entries({ ...pack.dependencies, ...pack.devDependencies })) {
            assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned exactly`);
            assert.equal(version, rootAll[name], `${name} matches the root`);
        }
    });

    it("imports nothing from outside policies/ (the policy host loads it on its own)", () => {
        for (const file of sourceFiles(PACK)) {
            for (const m of fs.readFileSync(file, "utf8").matchAll(/from\s+"(\.[^"]+)"/g)) {
                const target = path.resolve(path.dirname(file), m[1]);
                assert.ok(target.startsWith(PACK + path.sep), `${path.relative(ROOT, file)} imports ${m[1]}`);
            }
        }
    });
});
