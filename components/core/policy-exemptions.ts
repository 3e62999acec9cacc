/**
 * The annotation through which a platform workload declares which policy rules it must break and
 * why. The policy packs honour exactly this key and JSON shape; every exempted workload carries it
 * on its own metadata (DaemonSet, Deployment, Job...), so the reason is reviewed with the workload.
 */

/** Annotation key the policy packs read. */
export const POLICY_EXEMPTIONS_ANNOTATION = "containercloud.io/policy-exemptions";

/**
 * Rule names a workload may be exempted from: the policies of the pack marked `exemptible`
 * (policies/rules), which reports an exemption naming any other rule. test/core/policy-exemptions.test.ts
 * holds this list equal to the pack's.
 */
export const EXEMPTIBLE_RULES = [
    "no-host-network", "no-host-pid-ipc", "no-host-ports", "no-host-path-volumes", "no-privileged-containers",
    "restricted-capabilities", "run-as-non-root", "read-only-root-filesystem", "no-privilege-escalation",
    "seccomp-runtime-default", "health-probes", "no-plaintext-secrets", "min-replicas", "replica-spread",
    "pod-disruption-budget",
] as const;

/** A rule a workload may be exempted from. */
export type PolicyRule = (typeof EXEMPTIBLE_RULES)[number];

/** One exemption: the rule and why this workload needs to break it. */
export interface PolicyExemption {
    /** Rule name. */
    rule: PolicyRule;
    /** Why the workload cannot comply. */
    reason: string;
}

/** `{ "containercloud.io/policy-exemptions": "[{\"rule\":...,\"reason\":...}]" }`, keys `rule` then `reason`, rules in the order given. */
export function policyExemptionAnnotation(exemptions: PolicyExemption[]): Record<string, string> {
    return { [POLICY_EXEMPTIONS_ANNOTATION]: JSON.stringify(exemptions.map((e) => ({ rule: e.rule, reason: e.reason }))) };
}
