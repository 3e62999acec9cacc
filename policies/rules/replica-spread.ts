import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { podSpecOf, replicasOf, TYPES } from "../lib/workloads";

/** The policy name. */
export const REPLICA_SPREAD = "replica-spread";

/** Replicas on one node fail together; spreading them is what makes a second replica worth its cost. */
export function replicaSpread(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: REPLICA_SPREAD,
        description: "Deployments and StatefulSets with two or more replicas declare pod anti-affinity or topologySpreadConstraints.",
        remediationSteps: "Add spec.template.spec.topologySpreadConstraints (topologyKey kubernetes.io/hostname) or a podAntiAffinity term on the workload's own labels.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: [TYPES.deployment, TYPES.statefulSet],
        check: ({ type, props, subject, report }) => {
            // A single replica has nothing to spread; min-replicas reports that case.
            if (replicasOf(props) < 2) {
                return;
            }
            const spec = podSpecOf(type, props) ?? {};
            const anti = spec.affinity?.podAntiAffinity;
            const hasAnti = (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0
                || (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
            const hasSpread = (spec.topologySpreadConstraints ?? []).length > 0;
            if (!hasAnti && !hasSpread) {
                report(`${subject}: replicas may all land on one node; add topologySpreadConstraints or podAntiAffinity`);
            }
        },
    }, opts);
}
