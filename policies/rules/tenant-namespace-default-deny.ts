import { stackRule } from "../lib/rule";
import { isEmptySelector, type LabelSelector } from "../lib/selectors";
import type { PlatformStackPolicy, PolicyResource, RuleOptions } from "../lib/types";
import { inNamespace, metadataOf, tenantNamespaces, TYPES } from "../lib/workloads";

/** The policy name. */
export const TENANT_NAMESPACE_DEFAULT_DENY = "tenant-namespace-default-deny";

interface NetworkPolicySpec {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: unknown[];
    egress?: unknown[];
}

/** True for a policy that selects every pod and allows nothing in either direction. */
export function isDefaultDeny(policy: PolicyResource): boolean {
    const spec = (policy.props.spec ?? {}) as NetworkPolicySpec;
    const types = spec.policyTypes ?? [];
    return spec.podSelector !== undefined
        && isEmptySelector(spec.podSelector)
        && types.includes("Ingress")
        && types.includes("Egress")
        && (spec.ingress ?? []).length === 0
        && (spec.egress ?? []).length === 0;
}

/** Pods are open to every other pod until a policy selects them; a default-deny makes tenant traffic opt-in. */
export function tenantNamespaceDefaultDeny(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule({
        name: TENANT_NAMESPACE_DEFAULT_DENY,
        description: "Every tenant namespace has a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules).",
        remediationSteps: "Create tenant namespaces with the TenantNamespace component, or add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress, Egress] and no ingress/egress rules, then allow traffic with narrower policies.",
        exemptible: false,
        defaultLevel: "mandatory",
        check: ({ resources, report, notApplicable }) => {
            const tenants = tenantNamespaces(resources);
            if (tenants.length === 0) {
                notApplicable("no tenant namespaces in the stack");
            }
            for (const ns of tenants) {
                const name = metadataOf(ns.props).name ?? ns.name;
                if (!inNamespace(resources, TYPES.networkPolicy, name).some(isDefaultDeny)) {
                    report(`tenant Namespace "${name}" has no default-deny NetworkPolicy`, ns);
                }
            }
        },
    }, opts);
}
