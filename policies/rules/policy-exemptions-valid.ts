import { detach } from "../lib/detach";
import { EXEMPTIONS_ANNOTATION, parseExemptions, refusalReason } from "../lib/exemptions";
import { subjectOf } from "../lib/rule";
import type { EnforcementLevel, PlatformResourcePolicy, RuleOptions } from "../lib/types";

/** The policy name. */
export const POLICY_EXEMPTIONS_VALID = "policy-exemptions-valid";

/** What the rule needs to know about the other policies of the pack. */
export interface ExemptionCatalogEntry {
    name: string;
    exemptible: boolean;
}

function sharedEnds(a: string, b: string): number {
    let prefix = 0;
    while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) {
        prefix++;
    }
    let suffix = 0;
    while (suffix < a.length && suffix < b.length && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) {
        suffix++;
    }
    return Math.max(prefix, suffix);
}

/** The known policy name closest to a misspelt one (`read-only-root-fs` → `read-only-root-filesystem`), if any is close. */
export function closestPolicyName(unknown: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestScore = 5; // shorter overlaps ("no-", "-containers") say nothing
    for (const name of known) {
        const score = sharedEnds(unknown, name);
        if (score > bestScore) {
            best = name;
            bestScore = score;
        }
    }
    return best;
}

/**
 * Exemptions are part of the audit trail: a malformed annotation, an unknown rule, a rule that
 * cannot be waived or a missing reason is reported instead of being silently ignored.
 */
export function policyExemptionsValid(catalog: readonly ExemptionCatalogEntry[], opts: RuleOptions = {}): PlatformResourcePolicy {
    const byName = new Map(catalog.map((p) => [p.name, p.exemptible]));
    const level: EnforcementLevel = opts.enforcementLevel ?? "mandatory";
    return {
        name: POLICY_EXEMPTIONS_VALID,
        description: `Every ${EXEMPTIONS_ANNOTATION} annotation is a JSON array of {rule, reason} naming exemptible policies, each with a reason.`,
        remediationSteps: `Write the annotation as [{"rule":"<policy>","reason":"<why>"}], only for policies marked exemptible in policies/README.md, and fix the resource for the others.`,
        exemptible: false,
        enforcementLevel: level,
        validateResource: (args, reportViolation) => {
            const props = detach(args.props);
            const parsed = parseExemptions(props);
            if (!parsed.present) {
                args.notApplicable(`no ${EXEMPTIONS_ANNOTATION} annotation`);
            }
            const subject = subjectOf(args.type, props, args.name);
            for (const problem of parsed.problems) {
                reportViolation(`${subject}: ${problem}`);
            }
            for (const entry of parsed.entries) {
                const exemptible = byName.get(entry.rule);
                if (exemptible === undefined) {
                    const closest = closestPolicyName(entry.rule, [...byName.keys()]);
                    reportViolation(`${subject}: exemption names unknown policy "${entry.rule}"${closest ? ` (did you mean "${closest}"?)` : ""}`);
                    continue;
                }
                const why = refusalReason(entry, exemptible);
                if (why !== undefined) {
                    reportViolation(`${subject}: exemption refused: ${why}`);
                }
            }
        },
    };
}
