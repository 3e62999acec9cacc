import { stackRule, subjectOf } from "../lib/rule";
import type { PlatformStackPolicy, RuleOptions } from "../lib/types";
import { TYPES } from "../lib/workloads";

/** The policy name. */
export const CEPH_POOL_REPLICATION = "ceph-pool-replication";

/** Config of `ceph-pool-replication`. */
export interface CephPoolReplicationConfig {
    /** Fewest replicas of every replicated pool. @default 3 */
    minReplication: number;
}

/** A pool spec as far as the rule reads it. */
interface PoolSpec {
    replicated?: { size?: number };
    erasureCoded?: unknown;
}

/** The pools a Rook resource declares, with the field path that names each. */
function poolsOf(type: string, spec: Record<string, unknown>): [string, PoolSpec][] {
    switch (type) {
        case TYPES.cephBlockPool:
            return [["spec", spec as PoolSpec]];
        case TYPES.cephFilesystem:
            return [
                ["spec.metadataPool", (spec.metadataPool ?? {}) as PoolSpec],
                ...((spec.dataPools ?? []) as PoolSpec[]).map((p, i): [string, PoolSpec] => [`spec.dataPools[${i}]`, p]),
            ];
        case TYPES.cephObjectStore:
            return [
                ["spec.metadataPool", (spec.metadataPool ?? {}) as PoolSpec],
                ["spec.dataPool", (spec.dataPool ?? {}) as PoolSpec],
            ];
        default:
            return [];
    }
}

const POOL_TYPES: readonly string[] = [TYPES.cephBlockPool, TYPES.cephFilesystem, TYPES.cephObjectStore];

/** With fewer than three copies a single disk failure during recovery loses data. */
export function cephPoolReplication(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule<CephPoolReplicationConfig>({
        name: CEPH_POOL_REPLICATION,
        description: "Every replicated Ceph pool (CephBlockPool, CephFilesystem, CephObjectStore) keeps at least minReplication copies.",
        remediationSteps: "Set replicated.size to at least minReplication (3 in prod) on every pool; erasure-coded pools are not checked.",
        exemptible: false,
        defaultLevel: "mandatory",
        config: {
            defaults: { minReplication: 3 },
            schema: { properties: { minReplication: { type: "integer", minimum: 1, default: 3, description: "Fewest replicas of every replicated pool." } } },
        },
        check: ({ resources, config, report, notApplicable }) => {
            const owners = resources.filter((r) => POOL_TYPES.includes(r.type));
            if (owners.length === 0) {
                notApplicable("no Ceph pools in the stack");
            }
            for (const owner of owners) {
                const spec = (owner.props.spec ?? {}) as Record<string, unknown>;
                for (const [path, pool] of poolsOf(owner.type, spec)) {
                    if (pool.erasureCoded !== undefined && pool.erasureCoded !== null) {
                        continue;
                    }
                    const size = pool.replicated?.size;
                    if (typeof size !== "number" || size < config.minReplication) {
                        report(`${subjectOf(owner.type, owner.props, owner.name)}: ${path}.replicated.size is ${size ?? "unset"}; it must be at least ${config.minReplication}`, owner);
                    }
                }
            }
        },
    }, opts);
}
