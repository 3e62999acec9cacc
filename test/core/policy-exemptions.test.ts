import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allPolicies, EXEMPTIONS_ANNOTATION } from "../../policies/rules";
import { EXEMPTIBLE_RULES, POLICY_EXEMPTIONS_ANNOTATION } from "../../components/core/policy-exemptions";

describe("the components' policy-exemption helper and the policy pack", () => {
    it("names exactly the rules the pack marks exemptible", () => {
        const pack = allPolicies.filter((p) => p.exemptible).map((p) => p.name).sort();
        assert.deepEqual([...EXEMPTIBLE_RULES].sort(), pack);
    });

    it("writes the annotation key the pack reads", () => {
        assert.equal(POLICY_EXEMPTIONS_ANNOTATION, EXEMPTIONS_ANNOTATION);
    });
});
