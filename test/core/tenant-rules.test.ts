import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allPolicies, REGISTRY_CREDENTIALS_SECRET as PACK_SECRET } from "../../policies/rules";
import * as packWorkloads from "../../policies/lib/workloads";
import {
    DEFAULT_TENANT_RULE_PARAMS, NAMESPACE_OWNER_LABEL, PACK_RULES_NOT_AT_ADMISSION, PLATFORM_NAMESPACE_LABELS,
    REGISTRY_CREDENTIALS_SECRET, SYSTEM_NAMESPACES, celList, celString, tenantRules,
} from "../../components/core/tenant-rules";
import { TENANT_PULL_SECRET } from "../../components/tenancy/tenant-namespace";

const rules = tenantRules(DEFAULT_TENANT_RULE_PARAMS);
const packNames = allPolicies.map((p) => p.name);
const schemaDefault = (policy: string, key: string) => allPolicies.find((p) => p.name === policy)?.configSchema?.properties[key]?.default;

describe("the admission rules and the policy pack share one list", () => {
    it("every admission rule that names a pack rule names one that exists, under its own name", () => {
        for (const r of rules.filter((r) => r.packRule !== undefined)) {
            assert.ok(packNames.includes(r.packRule as string), `${r.name}: no pack rule ${r.packRule}`);
            assert.equal(r.name, r.packRule);
        }
    });

    it("an admission-only rule says why the pack cannot check it, and is not a pack rule's name", () => {
        for (const r of rules.filter((r) => r.packRule === undefined)) {
            assert.ok((r.admissionOnly ?? "").length > 20, `${r.name} gives no reason`);
            assert.ok(!packNames.includes(r.name), `${r.name} is a pack rule: name it as packRule`);
        }
    });

    it("accounts for every pack rule: enforced at admission, or left out with a reason", () => {
        const atAdmission = new Set(rules.map((r) => r.packRule).filter((n) => n !== undefined));
        for (const name of packNames) {
            const left = PACK_RULES_NOT_AT_ADMISSION[name];
            assert.ok(atAdmission.has(name) !== (left !== undefined), `${name}: at admission ${atAdmission.has(name)}, left out ${left !== undefined}`);
        }
        assert.deepEqual(Object.keys(PACK_RULES_NOT_AT_ADMISSION).filter((n) => !packNames.includes(n)), [], "left-out rules the pack does not have");
    });

    it("every refusal names its rule", () => {
        for (const r of rules) {
            assert.ok(r.message.startsWith(`containercloud: ${r.name}: `), r.message);
            assert.ok(r.expression.length > 0, `${r.name} has no CEL`);
        }
    });

    it("the rule names are unique", () => {
        assert.equal(new Set(rules.map((r) => r.name)).size, rules.length);
    });
});

describe("the admission rules and the policy pack share one set of exemptions", () => {
    it("the same platform-namespace label and Kubernetes namespaces", () => {
        assert.equal(packWorkloads.NAMESPACE_OWNER_LABEL, NAMESPACE_OWNER_LABEL);
        assert.equal(packWorkloads.PLATFORM_NAMESPACE_OWNER, PLATFORM_NAMESPACE_LABELS[NAMESPACE_OWNER_LABEL]);
        assert.deepEqual([...packWorkloads.SYSTEM_NAMESPACES], [...SYSTEM_NAMESPACES]);
    });

    it("the same registry credentials Secret as the tenant namespaces hold", () => {
        assert.equal(REGISTRY_CREDENTIALS_SECRET, TENANT_PULL_SECRET);
        assert.equal(PACK_SECRET, TENANT_PULL_SECRET);
    });

    it("the default values are the pack rules' defaults", () => {
        assert.deepEqual([...DEFAULT_TENANT_RULE_PARAMS.allowedRegistries], schemaDefault("image-registry-allowed", "allowedRegistries"));
        assert.deepEqual([...DEFAULT_TENANT_RULE_PARAMS.allowedCapabilities], schemaDefault("restricted-capabilities", "allowedCapabilities"));
        assert.equal(DEFAULT_TENANT_RULE_PARAMS.maxCpu, schemaDefault("container-limits-within-ceiling", "maxCpu"));
        assert.equal(DEFAULT_TENANT_RULE_PARAMS.maxMemory, schemaDefault("container-limits-within-ceiling", "maxMemory"));
    });
});

describe("tenantRules", () => {
    const byName = (rs: typeof rules, name: string) => rs.find((r) => r.name === name) ?? assert.fail(`no rule ${name}`);

    it("bakes the environment's registries, capabilities and ceiling into the CEL", () => {
        const rs = tenantRules({ allowedRegistries: ["10.210.0.1:5000", "registry.example.com/platform/"], allowedCapabilities: ["cap_net_raw"], maxCpu: "1500m", maxMemory: "3Gi" });
        assert.match(byName(rs, "image-registry-allowed").expression, /\['10\.210\.0\.1:5000', 'registry\.example\.com\/platform'\]\.exists\(r, /);
        assert.match(byName(rs, "restricted-capabilities").expression, /\['NET_RAW', 'CAP_NET_RAW'\]/);
        assert.match(byName(rs, "container-limits-within-ceiling").expression, /quantity\('1500m'\)/);
        assert.match(byName(rs, "container-limits-within-ceiling").expression, /quantity\('3Gi'\)/);
    });

    it("allows any registry when the list is empty, as the pack does", () => {
        const rs = tenantRules({ ...DEFAULT_TENANT_RULE_PARAMS, allowedRegistries: [] });
        assert.equal(byName(rs, "image-registry-allowed").expression, "true");
    });

    it("does not count requests and limits the LimitRange filled in", () => {
        assert.match(byName(rules, "container-resources-required").expression, /!\('kubernetes\.io\/limit-ranger' in object\.metadata\.\?annotations\.orValue\(\{\}\)\)/);
    });

    it("quotes CEL strings", () => {
        assert.equal(celString("it's"), "'it\\'s'");
        assert.equal(celList(["a", "b"]), "['a', 'b']");
    });
});
