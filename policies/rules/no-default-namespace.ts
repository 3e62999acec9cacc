import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { namespaceOf, POD_BEARING_TYPES, TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_DEFAULT_NAMESPACE = "no-default-namespace";

/** Namespaced kinds the rule checks (cluster-scoped kinds have no namespace to get wrong). */
export const NAMESPACED_TYPES: readonly string[] = [
    ...POD_BEARING_TYPES,
    TYPES.service,
    TYPES.configMap,
    "kubernetes:core/v1:Secret",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:PersistentVolumeClaim",
    TYPES.resourceQuota,
    TYPES.limitRange,
    TYPES.networkPolicy,
    TYPES.podDisruptionBudget,
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
];

/**
 * The `default` namespace has no tenant, quota, LimitRange or default-deny policy: anything put
 * there escapes the isolation every tenant namespace gets.
 */
export function noDefaultNamespace(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_DEFAULT_NAMESPACE,
        description: "No namespaced object lands in the default namespace (explicitly or by omission).",
        remediationSteps: "Set metadata.namespace to a platform or tenant namespace (or set namespace on the Kubernetes provider).",
        exemptible: false,
        defaultLevel: "mandatory",
        appliesTo: NAMESPACED_TYPES,
        check: ({ props, subject, provider, report }) => {
            if (namespaceOf(props, provider) === "default") {
                report(`${subject} is in the default namespace; set metadata.namespace`);
            }
        },
    }, opts);
}
