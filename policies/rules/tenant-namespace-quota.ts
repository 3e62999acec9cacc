import { stackRule } from "../lib/rule";
import type { PlatformStackPolicy, RuleOptions } from "../lib/types";
import { inNamespace, metadataOf, tenantNamespaces, TYPES } from "../lib/workloads";

/** The policy name. */
export const TENANT_NAMESPACE_QUOTA = "tenant-namespace-quota";

/**
 * A ResourceQuota caps what a tenant can claim in total, a LimitRange gives its containers default
 * requests/limits: together they are the cgroup-level isolation the platform promises tenants.
 */
export function tenantNamespaceQuota(opts: RuleOptions = {}): PlatformStackPolicy {
    return stackRule({
        name: TENANT_NAMESPACE_QUOTA,
        description: "Every tenant namespace (any namespace not labelled containercloud.io/namespace-owner: platform, nor Kubernetes' own) has a ResourceQuota and a LimitRange.",
        remediationSteps: "Create tenant namespaces with the TenantNamespace component, or add a ResourceQuota and a LimitRange in the namespace; a platform namespace carries PLATFORM_NAMESPACE_LABELS (containercloud.io/namespace-owner: platform).",
        exemptible: false,
        defaultLevel: "mandatory",
        check: ({ resources, report, notApplicable }) => {
            const tenants = tenantNamespaces(resources);
            if (tenants.length === 0) {
                notApplicable("no tenant namespaces in the stack");
            }
            for (const ns of tenants) {
                const name = metadataOf(ns.props).name ?? ns.name;
                if (inNamespace(resources, TYPES.resourceQuota, name).length === 0) {
                    report(`tenant Namespace "${name}" has no ResourceQuota`, ns);
                }
                if (inNamespace(resources, TYPES.limitRange, name).length === 0) {
                    report(`tenant Namespace "${name}" has no LimitRange`, ns);
                }
            }
        },
    }, opts);
}
