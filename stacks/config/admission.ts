/**
 * The admission rules' values for an environment, read from the same file the policy pack is run
 * with (policies/config/<env>.json), so the two judge by one list of registries, one capability
 * allowlist and one ceiling. A value the file leaves out is the pack rule's default, as in the pack.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_TENANT_RULE_PARAMS, TenantRuleParams } from "../../components/core/tenant-rules";

/** policies/config/<env>.json of the repository. */
export function packConfigPath(environment: string): string {
    return path.resolve(__dirname, "..", "..", "policies", "config", `${environment}.json`);
}

type PackConfig = Record<string, unknown>;

function property<T>(config: PackConfig, rule: string, key: string, fallback: T): T {
    const entry = config[rule];
    if (entry === null || typeof entry !== "object") {
        return fallback;
    }
    const value = (entry as Record<string, unknown>)[key];
    return value === undefined ? fallback : (value as T);
}

/** The rules' values from a parsed pack config (pure). */
export function tenantRuleParamsFromPackConfig(config: PackConfig): TenantRuleParams {
    const d = DEFAULT_TENANT_RULE_PARAMS;
    return {
        allowedRegistries: property(config, "image-registry-allowed", "allowedRegistries", d.allowedRegistries),
        allowedCapabilities: property(config, "restricted-capabilities", "allowedCapabilities", d.allowedCapabilities),
        maxCpu: property(config, "container-limits-within-ceiling", "maxCpu", d.maxCpu),
        maxMemory: property(config, "container-limits-within-ceiling", "maxMemory", d.maxMemory),
    };
}

/** The rules' values for an environment: its pack config, or the pack's defaults when it has none. */
export function tenantRuleParamsFor(environment: string): TenantRuleParams {
    const file = packConfigPath(environment);
    if (!fs.existsSync(file)) {
        return { ...DEFAULT_TENANT_RULE_PARAMS };
    }
    return tenantRuleParamsFromPackConfig(JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig);
}
