import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { packConfigPath, tenantRuleParamsFor, tenantRuleParamsFromPackConfig } from "../../stacks/config/admission";
import { parsePlatformConfig } from "../../stacks/config";
import { readStackConfig } from "../../scripts/lib/stack-file";
import { DEFAULT_TENANT_RULE_PARAMS } from "../../components/core/tenant-rules";

const ROOT = path.resolve(__dirname, "..", "..");
const ENVS = ["local", "dev", "staging", "prod"] as const;

function stackConfig(env: string) {
    const read = readStackConfig(path.join(ROOT, "stacks", `Pulumi.${env}.yaml`));
    assert.ok(read.ok);
    const parsed = parsePlatformConfig(read.raw);
    assert.ok(parsed.ok, `stacks/Pulumi.${env}.yaml does not parse`);
    return parsed.config;
}

describe("the admission rules' values per environment", () => {
    for (const env of ENVS) {
        it(`${env}: are the values of policies/config/${env}.json`, () => {
            const pack = JSON.parse(fs.readFileSync(packConfigPath(env), "utf8"));
            assert.deepEqual(tenantRuleParamsFor(env), {
                allowedRegistries: pack["image-registry-allowed"].allowedRegistries,
                allowedCapabilities: pack["restricted-capabilities"].allowedCapabilities,
                maxCpu: pack["container-limits-within-ceiling"].maxCpu,
                maxMemory: pack["container-limits-within-ceiling"].maxMemory,
            });
        });

        it(`${env}: allow the stack's own image mirror and platform registry, which the tenants' apps pull from`, () => {
            const config = stackConfig(env);
            const allowed = tenantRuleParamsFor(env).allowedRegistries;
            assert.ok(allowed.length > 0, `${env} allows any registry`);
            if (config.imageMirror !== undefined) {
                assert.ok(allowed.includes(config.imageMirror), `${config.imageMirror} is not in ${allowed.join(", ")}`);
            }
            if (config.registry.enabled) {
                assert.ok(allowed.includes(`registry.${config.domain}`), `registry.${config.domain} is not in ${allowed.join(", ")}`);
            }
        });
    }

    it("falls back to the pack rules' defaults for what the file leaves out", () => {
        assert.deepEqual(tenantRuleParamsFromPackConfig({}), DEFAULT_TENANT_RULE_PARAMS);
        assert.deepEqual(tenantRuleParamsFromPackConfig({ "container-limits-within-ceiling": { maxCpu: "2" } }), { ...DEFAULT_TENANT_RULE_PARAMS, maxCpu: "2" });
    });

    it("uses the pack's defaults for an environment without a pack config", () => {
        assert.deepEqual(tenantRuleParamsFor("no-such-env"), DEFAULT_TENANT_RULE_PARAMS);
    });
});
