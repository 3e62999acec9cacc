import { stackRule, subjectOf } from "../lib/rule";
import { selects, type LabelSelector } from "../lib/selectors";
import type { PlatformStackPolicy, PolicyResource, RuleOptions } from "../lib/types";
import { namespaceOf, podTemplateOf, replicasOf, TYPES } from "../lib/workloads";

/** The policy name. */
export const POD_DISRUPTION_BUDGET = "pod-disruption-budget";

interface PdbSpec {
    selector?: LabelSelector;
    minAvailable?: number | string;
    maxUnavailable?: number | string;
}

/** Scales an int-or-percent against `replicas`, rounding up as the disruption controller does. */
function scaled(value: number | string, replicas: number): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    const m = /^(\d+)%$/.exec(value);
    if (m) {
        return Math.ceil((replicas * Number(m[1])) / 100);
    }
    return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** How many of `replicas` pods the budget lets a drain evict at once. */
export function allowedDisruptions(spec: PdbSpec, replicas: number): number {
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
        return scaled(spec.maxUnavailable, replicas) ?? 0;
    }
    if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
        const min = scaled(spec.minAvailable, replicas);
        return min === undefined ? 0 : Math.max(0, replicas - min);
    }
    return 0;
}

const kindName = (r: PolicyResource): string => subjectOf(r.type, r.props, r.name);

/**
 * A budget keeps a node drain from taking every replica at once; one that allows no disruption
 * blocks drains (and so node upgrades) forever, which is as bad as none.
 */
export function podDisruptionBudget(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule({
        name: POD_DISRUPTION_BUDGET,
        description: "Every Deployment and StatefulSet with two or more replicas is selected by a PodDisruptionBudget that allows at least one disruption.",
        remediationSteps: "Add a policy/v1 PodDisruptionBudget in the workload's namespace whose selector matches the pod template labels, with maxUnavailable: 1 (or a minAvailable below the replica count).",
        exemptible: true,
        defaultLevel: "mandatory",
        check: ({ resources, report, notApplicable }) => {
            const workloads = resources.filter((r) => (r.type === TYPES.deployment || r.type === TYPES.statefulSet) && replicasOf(r.props) >= 2);
            if (workloads.length === 0) {
                notApplicable("no Deployment or StatefulSet with two or more replicas");
            }
            const budgets = resources.filter((r) => r.type === TYPES.podDisruptionBudget);
            for (const w of workloads) {
                const ns = namespaceOf(w.props, w.provider);
                const labels = podTemplateOf(w.type, w.props)?.metadata?.labels ?? {};
                const replicas = replicasOf(w.props);
                const matching = budgets.filter((b) => namespaceOf(b.props, b.provider) === ns
                    && selects((b.props.spec as PdbSpec | undefined)?.selector, labels));
                if (matching.length === 0) {
                    report(`${kindName(w)} (namespace ${ns}) is selected by no PodDisruptionBudget`, w);
                    continue;
                }
                if (!matching.some((b) => allowedDisruptions((b.props.spec ?? {}) as PdbSpec, replicas) >= 1)) {
                    report(`${kindName(w)}: its PodDisruptionBudget ${matching.map(kindName).join(", ")} allows no disruption of ${replicas} replicas; use maxUnavailable: 1`, w);
                }
            }
        },
    }, opts);
}
