/** Kubernetes label selectors, evaluated the way the API server does. */

/** One `matchExpressions` entry. */
export interface LabelSelectorRequirement {
    key: string;
    operator: string;
    values?: string[];
}

/** A `LabelSelector`. */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorRequirement[];
}

/** True when the selector has no terms (it selects every pod of its namespace). */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
    return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

/**
 * True when `selector` selects an object with `labels`. An absent selector selects nothing, as for
 * a PodDisruptionBudget; an empty one selects everything.
 */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
    if (!selector) {
        return false;
    }
    const have = labels ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
        if (have[k] !== v) {
            return false;
        }
    }
    for (const req of selector.matchExpressions ?? []) {
        const present = Object.prototype.hasOwnProperty.call(have, req.key);
        const values = req.values ?? [];
        switch (req.operator) {
            case "In":
                if (!present || !values.includes(have[req.key])) {
                    return false;
                }
                break;
            case "NotIn":
                if (present && values.includes(have[req.key])) {
                    return false;
                }
                break;
            case "Exists":
                if (!present) {
                    return false;
                }
                break;
            case "DoesNotExist":
                if (present) {
                    return false;
                }
                break;
            default:
                return false;
        }
    }
    return true;
}
