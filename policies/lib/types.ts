/**
 * The policy types this pack is built from: Pulumi's policy types plus the platform's `exemptible`
 * flag. Tests import these from here so that every type comes from one copy of @pulumi/policy.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

export type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
};

/** The platform's extension of a Pulumi policy: whether a workload may opt out of it. */
export interface Exemptibility {
    /**
     * True when a resource may opt out with a `containercloud.io/policy-exemptions` entry that
     * gives a reason; false for rules whose violation no reason can justify (e.g. unpinned images).
     */
    readonly exemptible: boolean;
}

/** A resource-level policy of this pack. */
export type PlatformResourcePolicy = ResourceValidationPolicy & Exemptibility;

/** A stack-level policy of this pack. */
export type PlatformStackPolicy = StackValidationPolicy & Exemptibility;

/** Any policy of this pack. */
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

/** What every rule factory accepts. */
export interface RuleOptions {
    /** Enforcement level when the policy-pack config does not set one. @default the rule's own default */
    enforcementLevel?: EnforcementLevel;
}

/** Kubernetes object metadata, as far as the rules read it. */
export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}
