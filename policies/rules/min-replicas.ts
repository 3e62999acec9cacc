import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { replicasOf, TYPES } from "../lib/workloads";

/** The policy name. */
export const MIN_REPLICAS = "min-replicas";

/** Config of `min-replicas`. */
export interface MinReplicasConfig {
    /** Fewest replicas a Deployment may run. @default 2 */
    minReplicas: number;
}

/** One replica means every node drain, rollout or crash is an outage. */
export function minReplicas(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule<MinReplicasConfig>({
        name: MIN_REPLICAS,
        description: "Every Deployment runs at least minReplicas replicas (default 2).",
        remediationSteps: "Set spec.replicas to at least minReplicas; a deliberate singleton (e.g. a leader-elected operator) carries an exemption with a reason.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: [TYPES.deployment],
        config: {
            defaults: { minReplicas: 2 },
            schema: { properties: { minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas a Deployment may run." } } },
        },
        check: ({ props, subject, config, report }) => {
            const replicas = replicasOf(props);
            if (replicas < config.minReplicas) {
                report(`${subject} runs ${replicas} replica(s); set spec.replicas to at least ${config.minReplicas}`);
            }
        },
    }, opts);
}
