import { stackRule, subjectOf } from "../lib/rule";
import type { PlatformStackPolicy, RuleOptions } from "../lib/types";
import { TYPES } from "../lib/workloads";

/** The policy name. */
export const CEPH_MON_COUNT_ODD = "ceph-mon-count-odd";

/** Rook's default when spec.mon.count is unset. */
const ROOK_DEFAULT_MONS = 3;

/** Ceph monitors form a Paxos quorum: like etcd, an even count tolerates no more failures than the odd count below it. */
export function cephMonCountOdd(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule({
        name: CEPH_MON_COUNT_ODD,
        description: "Every CephCluster runs an odd number of monitors (spec.mon.count).",
        remediationSteps: "Set the CephCluster's spec.mon.count to 1 (dev), 3 or 5.",
        exemptible: false,
        defaultLevel: "mandatory",
        check: ({ resources, report, notApplicable }) => {
            const clusters = resources.filter((r) => r.type === TYPES.cephCluster);
            if (clusters.length === 0) {
                notApplicable("no CephCluster in the stack");
            }
            for (const cluster of clusters) {
                const count = (cluster.props.spec as { mon?: { count?: number } } | undefined)?.mon?.count ?? ROOK_DEFAULT_MONS;
                if (count % 2 === 0) {
                    report(`${subjectOf(cluster.type, cluster.props, cluster.name)} runs ${count} Ceph monitors; set spec.mon.count to an odd number (3 or 5)`, cluster);
                }
            }
        },
    }, opts);
}
