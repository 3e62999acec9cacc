/**
 * The annotation through which a platform workload declares which policy rules it must break and
 * why. The policy packs honour exactly this key and JSON shape; every exempted workload carries it
 * on its own metadata (DaemonSet, Deployment, Job...), so the reason is reviewed with the workload.
 */

/** Annotation key the policy packs read. */
export const POLICY_EXEMPTIONS_ANNOTATION = "containercloud.io/policy-exemptions";

/**
 * Rule names a workload may be exempted from: the exemptible policy names of the policy pack
 * (policies/rules), which reports an exemption naming any other rule.
 */
export type PolicyRule =
    | "no-host-network" | "no-privileged-containers" | "no-host-path-volumes" | "restricted-capabilities"
    | "run-as-non-root" | "read-only-root-filesystem" | "no-privilege-escalation" | "seccomp-runtime-default";

/** One exemption: the rule and why this workload needs to break it. */
export interface PolicyExemption {
    /** Rule name. */
    rule: PolicyRule;
    /** Why the workload cannot comply. */
    reason: string;
}

/** `{ "containercloud.io/policy-exemptions": "[{\"rule\":...,\"reason\":...}]" }`, keys `rule` then `reason`. */
export function policyExemptionAnnotation(exemptions: PolicyExemption[]): Record<string, string> {
    return { [POLICY_EXEMPTIONS_ANNOTATION]: JSON.stringify(exemptions.map((e) => ({ rule: e.rule, reason: e.reason }))) };
}
