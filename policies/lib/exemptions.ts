/**
 * Per-resource exemptions: `metadata.annotations["containercloud.io/policy-exemptions"]` holds a
 * JSON array of `{"rule": "<policy name>", "reason": "<why>"}`. A rule honours an entry only when
 * it is exemptible and the reason is not blank; everything else is refused and reported.
 */
import { metadataOf } from "./workloads";

/** The annotation that carries a resource's exemptions. */
export const EXEMPTIONS_ANNOTATION = "containercloud.io/policy-exemptions";

/** One exemption entry. */
export interface Exemption {
    /** Name of the policy the resource opts out of. */
    rule: string;
    /** Why; required and shown in the preview. */
    reason: string;
}

/** The parsed annotation: well-formed entries and what was wrong with the rest. */
export interface ParsedExemptions {
    /** True when the resource carries the annotation at all. */
    present: boolean;
    entries: Exemption[];
    /** Malformed JSON or entries, as messages. */
    problems: string[];
}

/** What a rule does with a resource's exemption for it. */
export type ExemptionDecision =
    | { kind: "none" }
    | { kind: "honoured"; reason: string }
    | { kind: "refused"; why: string };

/** Reads and validates the exemptions annotation of a resource's props. */
export function parseExemptions(props: Record<string, unknown>): ParsedExemptions {
    const raw = metadataOf(props).annotations?.[EXEMPTIONS_ANNOTATION];
    if (raw === undefined) {
        return { present: false, entries: [], problems: [] };
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(String(raw));
    } catch (e) {
        return { present: true, entries: [], problems: [`${EXEMPTIONS_ANNOTATION} is not valid JSON (${(e as Error).message})`] };
    }
    if (!Array.isArray(parsed)) {
        return { present: true, entries: [], problems: [`${EXEMPTIONS_ANNOTATION} must be a JSON array of {"rule": ..., "reason": ...}`] };
    }
    const entries: Exemption[] = [];
    const problems: string[] = [];
    parsed.forEach((item: unknown, i) => {
        const e = (item ?? {}) as Record<string, unknown>;
        if (typeof e.rule !== "string" || e.rule === "") {
            problems.push(`${EXEMPTIONS_ANNOTATION}[${i}] has no "rule" string`);
            return;
        }
        entries.push({ rule: e.rule, reason: typeof e.reason === "string" ? e.reason : "" });
    });
    return { present: true, entries, problems };
}

/** Why an entry cannot be honoured, or `undefined` when it can. */
export function refusalReason(entry: Exemption, exemptible: boolean): string | undefined {
    if (!exemptible) {
        return `policy "${entry.rule}" is not exemptible`;
    }
    if (entry.reason.trim() === "") {
        return `the exemption for "${entry.rule}" gives no reason`;
    }
    return undefined;
}

/** Decides whether `rule` is waived for the resource with `props`. */
export function decideExemption(props: Record<string, unknown>, rule: string, exemptible: boolean): ExemptionDecision {
    const entries = parseExemptions(props).entries.filter((e) => e.rule === rule);
    if (entries.length === 0) {
        return { kind: "none" };
    }
    // Any honourable entry wins; a blank duplicate must not cancel a justified one.
    for (const entry of entries) {
        if (refusalReason(entry, exemptible) === undefined) {
            return { kind: "honoured", reason: entry.reason.trim() };
        }
    }
    return { kind: "refused", why: refusalReason(entries[0], exemptible) ?? "" };
}
