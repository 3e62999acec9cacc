import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    allPolicies,
    closestPolicyName,
    decideExemption,
    EXEMPTIONS_ANNOTATION,
    imagePinned,
    noHostNetwork,
    noPrivilegedContainers,
    podDisruptionBudget,
    policyExemptionsValid,
    type PlatformPolicy,
} from "../../policies/rules";
import { checkResource, checkStack, stackResource } from "./harness";
import { deployment, exemptions, T, workload } from "./fixtures";

const validator = policyExemptionsValid(allPolicies.filter((p) => p.name !== "policy-exemptions-valid"));

const privilegedPod = (annotations?: Record<string, string>) => {
    const pod = workload(T.pod, { name: "flannel", annotations });
    pod.spec.containers[0].securityContext.privileged = true;
    pod.spec.hostNetwork = true;
    return pod;
};

describe("exemptions", () => {
    it("honours an exemption with a reason for an exemptible rule, and says why it did not apply", async () => {
        const pod = privilegedPod(exemptions({ rule: "no-privileged-containers", reason: "flannel programs iptables and routes" }));
        const out = await checkResource(noPrivilegedContainers(), T.pod, pod);
        assert.deepEqual(out.messages, []);
        assert.equal(out.notApplicable, "exempted: flannel programs iptables and routes");
        assert.deepEqual((await checkResource(validator, T.pod, pod)).messages, []);
    });

    it("waives only the rules the annotation names", async () => {
        const pod = privilegedPod(exemptions({ rule: "no-privileged-containers", reason: "flannel" }));
        assert.deepEqual((await checkResource(noHostNetwork(), T.pod, pod)).messages, [`Pod "flannel": pod sets hostNetwork: true`]);
    });

    it("honours several exemptions in one annotation", async () => {
        const pod = privilegedPod(exemptions(
            { rule: "no-privileged-containers", reason: "flannel" },
            { rule: "no-host-network", reason: "flannel programs the node network" },
        ));
        assert.deepEqual((await checkResource(noPrivilegedContainers(), T.pod, pod)).messages, []);
        assert.deepEqual((await checkResource(noHostNetwork(), T.pod, pod)).messages, []);
    });

    it("refuses an exemption from a non-exemptible rule and reports the exemption itself", async () => {
        const d = deployment((_, __, c) => (c.image = "nginx:latest"), { annotations: exemptions({ rule: "image-pinned", reason: "upstream only publishes latest" }) });
        assert.deepEqual((await checkResource(imagePinned(), T.deployment, d)).messages, [
            `Deployment "web": container "app" uses the moving tag "latest" (nginx:latest); pin a version or digest [exemption refused: policy "image-pinned" is not exemptible]`,
        ]);
        assert.deepEqual((await checkResource(validator, T.deployment, d)).messages, [
            `Deployment "web": exemption refused: policy "image-pinned" is not exemptible`,
        ]);
    });

    it("refuses an exemption without a reason", async () => {
        for (const entry of [{ rule: "no-privileged-containers" }, { rule: "no-privileged-containers", reason: "   " }]) {
            const pod = privilegedPod(exemptions(entry));
            assert.deepEqual((await checkResource(noPrivilegedContainers(), T.pod, pod)).messages, [
                `Pod "flannel": container "app" sets securityContext.privileged: true [exemption refused: the exemption for "no-privileged-containers" gives no reason]`,
            ]);
            assert.deepEqual((await checkResource(validator, T.pod, pod)).messages, [
                `Pod "flannel": exemption refused: the exemption for "no-privileged-containers" gives no reason`,
            ]);
        }
    });

    it("applies to stack rules, on the resource they blame", async () => {
        const exempt = stackResource(T.deployment, deployment(undefined, { annotations: exemptions({ rule: "pod-disruption-budget", reason: "batch API, drains are fine" }) }));
        const other = stackResource(T.deployment, deployment(undefined, { name: "api" }));
        const out = await checkStack(podDisruptionBudget(), [exempt, other]);
        assert.deepEqual(out.messages, [`Deployment "api" (namespace shop) is selected by no PodDisruptionBudget`]);
    });

    it("reports a malformed annotation, a non-array and an unknown rule", async () => {
        const cases: [string, string][] = [
            ["{not json", `is not valid JSON`],
            [`{"rule":"no-host-network","reason":"x"}`, `must be a JSON array`],
            [`[{"reason":"x"}]`, `[0] has no "rule" string`],
            [`[{"rule":"no-such-rule","reason":"x"}]`, `unknown policy "no-such-rule"`],
        ];
        for (const [value, expected] of cases) {
            const d = deployment(undefined, { annotations: { [EXEMPTIONS_ANNOTATION]: value } });
            const out = await checkResource(validator, T.deployment, d);
            assert.equal(out.messages.length, 1, value);
            assert.ok(out.messages[0].includes(expected), `${out.messages[0]} should mention ${expected}`);
        }
    });

    it("suggests the pack's name for a misspelt rule", async () => {
        const d = deployment(undefined, { annotations: exemptions({ rule: "read-only-root-fs", reason: "BuildKit writes its rootfs" }) });
        assert.deepEqual((await checkResource(validator, T.deployment, d)).messages, [
            `Deployment "web": exemption names unknown policy "read-only-root-fs" (did you mean "read-only-root-filesystem"?)`,
        ]);
        const names = allPolicies.map((p) => p.name);
        assert.equal(closestPolicyName("no-host-path", names), "no-host-path-volumes");
        assert.equal(closestPolicyName("allowed-capabilities", names), "restricted-capabilities");
        assert.equal(closestPolicyName("no-privileged", names), "no-privileged-containers");
        assert.equal(closestPolicyName("something-else", names), undefined);
    });

    it("lets a justified entry win over a blank duplicate", () => {
        const props = { metadata: { annotations: exemptions({ rule: "no-host-network" }, { rule: "no-host-network", reason: "flannel" }) } };
        assert.deepEqual(decideExemption(props, "no-host-network", true), { kind: "honoured", reason: "flannel" });
    });

    it("the exemption check is not applicable to a resource without the annotation", async () => {
        assert.ok((await checkResource(validator, T.deployment, deployment())).notApplicable);
    });

    it("the pack's exemption check knows every other rule", async () => {
        const check = allPolicies.find((p) => p.name === "policy-exemptions-valid") as PlatformPolicy;
        for (const p of allPolicies.filter((x) => x !== check)) {
            const d = deployment(undefined, { annotations: exemptions({ rule: p.name, reason: "test" }) });
            const out = await checkResource(check, T.deployment, d);
            assert.deepEqual(out.messages.length, p.exemptible ? 0 : 1, p.name);
        }
    });
});
