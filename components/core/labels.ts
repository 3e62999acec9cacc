/** Standard `app.kubernetes.io/*` labels, in one place. */

/** Label key that marks every object the platform manages. */
export const PART_OF = "containercloud";

/** Recommended Kubernetes labels for a platform workload. */
export function standardLabels(
    name: string,
    component: string,
    extra: Record<string, string> = {},
): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
        ...extra,
    };
}

/** The subset of labels that identify a workload's pods (stable across upgrades). */
export function selectorLabels(name: string, component: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/component": component };
}
