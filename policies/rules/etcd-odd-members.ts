import { stackRule, subjectOf } from "../lib/rule";
import type { PlatformStackPolicy, PolicyResource, RuleOptions } from "../lib/types";
import { metadataOf, podTemplateOf, replicasOf, TYPES } from "../lib/workloads";

/** The policy name. */
export const ETCD_ODD_MEMBERS = "etcd-odd-members";

/** True for a StatefulSet labelled as etcd (`app.kubernetes.io/name` or `app.kubernetes.io/component`). */
export function isEtcd(r: PolicyResource): boolean {
    if (r.type !== TYPES.statefulSet) {
        return false;
    }
    const labelSets = [metadataOf(r.props).labels, podTemplateOf(r.type, r.props)?.metadata?.labels];
    return labelSets.some((l) => l?.["app.kubernetes.io/name"] === "etcd" || l?.["app.kubernetes.io/component"] === "etcd");
}

/**
 * Raft needs a majority: 4 members tolerate one failure, exactly like 3, but need one more vote for
 * every write; an even count only adds cost and a split-brain-prone tie.
 */
export function etcdOddMembers(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule({
        name: ETCD_ODD_MEMBERS,
        description: "Every etcd StatefulSet (label app.kubernetes.io/name or component etcd) runs an odd number of members.",
        remediationSteps: "Set the etcd StatefulSet's spec.replicas to 1 (dev), 3 or 5.",
        exemptible: false,
        defaultLevel: "mandatory",
        check: ({ resources, report, notApplicable }) => {
            const clusters = resources.filter(isEtcd);
            if (clusters.length === 0) {
                notApplicable("no etcd StatefulSet in the stack");
            }
            for (const sts of clusters) {
                const replicas = replicasOf(sts.props);
                if (replicas % 2 === 0) {
                    report(`${subjectOf(sts.type, sts.props, sts.name)} runs ${replicas} etcd members; an etcd quorum needs an odd count (3 or 5)`, sts);
                }
            }
        },
    }, opts);
}
