/**
 * Builders that turn a rule definition into a Pulumi policy: they resolve the rule's config against
 * its defaults, filter by type (reporting "not applicable" otherwise), and apply exemptions, so each
 * rule file holds only its check.
 */
import { detach, detachResource } from "./detach";
import { decideExemption } from "./exemptions";
import type {
    EnforcementLevel,
    PlatformResourcePolicy,
    PlatformStackPolicy,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidationArgs,
    RuleOptions,
} from "./types";
import { metadataOf } from "./workloads";

/** A rule's config: defaults (resolved once per check with `??`) and the JSON schema the CLI validates. */
export interface RuleConfig<C extends object> {
    defaults: C;
    schema: PolicyConfigSchema;
}

/** What every rule definition declares. */
interface RuleBase<C extends object> {
    /** Kebab-case policy name, unique in the pack. */
    name: string;
    /** One sentence. */
    description: string;
    /** What to change to comply (shown by the CLI next to the violation). */
    remediationSteps: string;
    /** Whether a resource may opt out via the exemptions annotation. */
    exemptible: boolean;
    /** Level when neither the factory options nor the policy-pack config set one. */
    defaultLevel: EnforcementLevel;
    /** Optional per-policy properties. */
    config?: RuleConfig<C>;
}

/** What a resource check receives. */
export interface ResourceCheck<C extends object> {
    /** Pulumi type token. */
    type: string;
    props: Record<string, unknown>;
    /** `Deployment "web"`: names the object in messages. */
    subject: string;
    config: C;
    /** The provider's props (its `namespace` is the default for unqualified objects). */
    provider?: { props: Record<string, unknown> };
    report(message: string): void;
}

/** A resource-level rule. */
export interface ResourceRuleDefinition<C extends object> extends RuleBase<C> {
    /** Type tokens the rule applies to; any other type is "not applicable". */
    appliesTo: readonly string[];
    check(ctx: ResourceCheck<C>): void;
}

/** What a stack check receives. */
export interface StackCheck<C extends object> {
    resources: PolicyResource[];
    config: C;
    /** Reports against `resource` (which may carry an exemption), or the stack when omitted. */
    report(message: string, resource?: PolicyResource): void;
    /** Ends the check as not applicable (e.g. the stack has no tenant namespaces). */
    notApplicable(reason: string): never;
}

/** A stack-level rule. */
export interface StackRuleDefinition<C extends object> extends RuleBase<C> {
    check(ctx: StackCheck<C>): void;
}

/** `kubernetes:apps/v1:Deployment` → `Deployment`. */
export function kindOf(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/** `Deployment "web"`, from the Kubernetes name when known, else the Pulumi name. */
export function subjectOf(type: string, props: Record<string, unknown>, pulumiName: string): string {
    const name = metadataOf(props).name;
    return `${kindOf(type)} "${typeof name === "string" && name !== "" ? name : pulumiName}"`;
}

/** The rule's config: every default overridden by the configured value when that is set. */
export function resolveConfig<C extends object>(defaults: C, configured: Partial<C>): C {
    const out = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof C)[]) {
        const value = configured[key];
        if (value !== undefined && value !== null) {
            out[key] = value as C[keyof C];
        }
    }
    return out;
}

function metadataFields<C extends object>(def: RuleBase<C>, opts: RuleOptions) {
    return {
        name: def.name,
        description: def.description,
        remediationSteps: def.remediationSteps,
        exemptible: def.exemptible,
        enforcementLevel: opts.enforcementLevel ?? def.defaultLevel,
        ...(def.config ? { configSchema: def.config.schema } : {}),
    };
}

const refusedSuffix = (why: string) => ` [exemption refused: ${why}]`;

/** Builds a resource-level policy from a definition. */
export function resourceRule<C extends object>(def: ResourceRuleDefinition<C>, opts: RuleOptions = {}): PlatformResourcePolicy {
    return {
        ...metadataFields(def, opts),
        validateResource: (args: ResourceValidationArgs, reportViolation) => {
            if (!def.appliesTo.includes(args.type)) {
                args.notApplicable(`applies to ${def.appliesTo.map(kindOf).join(", ")}`);
            }
            const props = detach(args.props);
            const exemption = decideExemption(props, def.name, def.exemptible);
            if (exemption.kind === "honoured") {
                args.notApplicable(`exempted: ${exemption.reason}`);
            }
            const suffix = exemption.kind === "refused" ? refusedSuffix(exemption.why) : "";
            def.check({
                type: args.type,
                props,
                subject: subjectOf(args.type, props, args.name),
                config: resolveConfig(def.config?.defaults ?? ({} as C), args.getConfig<Partial<C>>()),
                provider: args.provider ? { props: detach(args.provider.props) } : undefined,
                report: (message) => reportViolation(message + suffix),
            });
        },
    };
}

/** Builds a stack-level policy from a definition. */
export function stackRule<C extends object>(def: StackRuleDefinition<C>, opts: RuleOptions = {}): PlatformStackPolicy {
    return {
        ...metadataFields(def, opts),
        validateStack: (args, reportViolation) => {
            def.check({
                resources: args.resources.map(detachResource),
                config: resolveConfig(def.config?.defaults ?? ({} as C), args.getConfig<Partial<C>>()),
                notApplicable: (reason) => args.notApplicable(reason),
                report: (message, resource) => {
                    if (!resource) {
                        reportViolation(message);
                        return;
                    }
                    const exemption = decideExemption(resource.props, def.name, def.exemptible);
                    if (exemption.kind === "honoured") {
                        return;
                    }
                    reportViolation(message + (exemption.kind === "refused" ? refusedSuffix(exemption.why) : ""), resource.urn);
                },
            });
        },
    };
}
