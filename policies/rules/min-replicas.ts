import { stackRule, subjectOf } from "../lib/rule";
import type { PlatformStackPolicy, RuleOptions } from "../lib/types";
import { TYPES } from "../lib/workloads";

/** The policy name. */
export const MIN_REPLICAS = "min-replicas";

/** Config of `min-replicas`. */
export interface MinReplicasConfig {
    /** Fewest replicas a Deployment may run. @default 2 */
    minReplicas: number;
}

const HPA_TYPES = ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"];

type Meta = { name?: string; namespace?: string };

/**
 * The replicas a Deployment runs at least: spec.replicas when set; otherwise the minReplicas of the
 * HorizontalPodAutoscaler in the stack that scales it (autoscaled Deployments leave spec.replicas
 * unset so `up` does not fight the autoscaler); otherwise the API default of 1.
 */
export function effectiveMinReplicas(
    deployment: { props: Record<string, unknown> },
    hpas: { props: Record<string, unknown> }[],
): number {
    const spec = deployment.props.spec as { replicas?: number } | undefined;
    if (typeof spec?.replicas === "number") {
        return spec.replicas;
    }
    const meta = (deployment.props.metadata ?? {}) as Meta;
    for (const h of hpas) {
        const hm = (h.props.metadata ?? {}) as Meta;
        const hs = (h.props.spec ?? {}) as { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number };
        if (hs.scaleTargetRef?.kind === "Deployment" && hs.scaleTargetRef.name === meta.name && (hm.namespace ?? "") === (meta.namespace ?? "")) {
            return hs.minReplicas ?? 1;
        }
    }
    return 1;
}

/** One replica means every node drain, rollout or crash is an outage. */
export function minReplicas(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule<MinReplicasConfig>({
        name: MIN_REPLICAS,
        description: "Every Deployment runs at least minReplicas replicas (default 2), counting an autoscaler's minReplicas.",
        remediationSteps: "Set spec.replicas (or the HorizontalPodAutoscaler's minReplicas) to at least minReplicas; a deliberate singleton (e.g. a leader-elected operator) carries an exemption with a reason.",
        exemptible: true,
        defaultLevel: "mandatory",
        config: {
            defaults: { minReplicas: 2 },
            schema: { properties: { minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas a Deployment may run." } } },
        },
        check: ({ resources, config, report, notApplicable }) => {
            const deployments = resources.filter((r) => r.type === TYPES.deployment);
            if (deployments.length === 0) {
                notApplicable("no Deployment in the stack");
            }
            const hpas = resources.filter((r) => HPA_TYPES.includes(r.type));
            for (const d of deployments) {
                const replicas = effectiveMinReplicas(d, hpas);
                if (replicas < config.minReplicas) {
                    report(`${subjectOf(d.type, d.props, d.name)} runs ${replicas} replica(s); set spec.replicas to at least ${config.minReplicas}`, d);
                }
            }
        },
    }, opts);
}
