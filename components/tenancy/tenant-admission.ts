/**
 * The tenant rules at admission time: the API server's own ValidatingAdmissionPolicies
 * (admissionregistration.k8s.io/v1) judge every request to a namespace that is not the platform's
 * or Kubernetes' own, whoever sends it. The rules and exemptions come from `core/tenant-rules`,
 * the list the policy pack is held equal to.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CommonArgs } from "../core/types";
import { standardLabels } from "../core/labels";
import {
    NAMESPACE_OWNER_LABEL, PLATFORM_GROUPS, PLATFORM_NAMESPACE_LABELS, PLATFORM_OBJECT_LABELS, SYSTEM_NAMESPACES,
    TenantRule, TenantRuleParams, TenantRuleTarget, WORKLOAD_VARIABLES, celList, tenantRules,
} from "../core/tenant-rules";

type MatchRules = k8s.types.input.admissionregistration.v1.NamedRuleWithOperations[];

/** What each admission policy matches. */
export const ADMISSION_MATCH: Record<TenantRuleTarget, { rules: MatchRules; objectSelector?: Record<string, string> }> = {
    workloads: {
        rules: [
            { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods", "replicationcontrollers"] },
            { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
            { apiGroups: ["batch"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["jobs", "cronjobs"] },
        ],
    },
    services: {
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"] }],
    },
    "platform-objects": {
        rules: [
            { apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE", "DELETE"], resources: ["resourcequotas", "limitranges", "secrets"] },
            { apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["UPDATE", "DELETE"], resources: ["networkpolicies"] },
            { apiGroups: ["rbac.authorization.k8s.io"], apiVersions: ["v1"], operations: ["UPDATE", "DELETE"], resources: ["roles", "rolebindings"] },
        ],
        // Matched when the old or the new object carries them, so removing the labels is a change too.
        objectSelector: { ...PLATFORM_OBJECT_LABELS },
    },
};

/** CEL that is true unless the request comes from the platform's own identity. */
export function notPlatformCondition(groups: readonly string[]): string {
    return `!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ${celList(groups)}))`;
}

/** The namespaces the rules apply to: every one but the platform's (by label) and Kubernetes' own. */
export function tenantNamespaceSelector(): k8s.types.input.meta.v1.LabelSelector {
    return {
        matchExpressions: [
            { key: NAMESPACE_OWNER_LABEL, operator: "NotIn", values: [PLATFORM_NAMESPACE_LABELS[NAMESPACE_OWNER_LABEL]] },
            { key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...SYSTEM_NAMESPACES] },
        ],
    };
}

/** The spec of one admission policy: its match, the platform exemption and one validation per rule. */
export function renderPolicySpec(target: TenantRuleTarget, rules: TenantRule[], exemptGroups: readonly string[]): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec {
    const match = ADMISSION_MATCH[target];
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: match.rules,
            ...(match.objectSelector ? { objectSelector: { matchLabels: match.objectSelector } } : {}),
        },
        matchConditions: [{ name: "not-the-platform", expression: notPlatformCondition(exemptGroups) }],
        ...(target === "workloads" ? { variables: WORKLOAD_VARIABLES.map((v) => ({ ...v })) } : {}),
        validations: rules.filter((r) => r.target === target).map((r) => ({ expression: r.expression, message: r.message, reason: "Forbidden" })),
    };
}

/** Arguments of `TenantAdmission`. */
export interface TenantAdmissionArgs extends CommonArgs, TenantRuleParams {
    /**
     * Request groups exempt from the rules: the platform's own identity (what Pulumi and the
     * controllers act as). Add the group of the platform's deployer when it is not `system:masters`.
     * @default PLATFORM_GROUPS (["system:masters", "system:serviceaccounts:kube-system"])
     */
    exemptGroups?: string[];
}

/** The three admission policies (workloads, Services, platform objects) and their bindings. */
export class TenantAdmission extends pulumi.ComponentResource {
    /** The rules rendered, for outputs and tests. */
    public readonly rules: TenantRule[];
    /** Resolved exempt groups. */
    public readonly exemptGroups: string[];
    /** The policies by target. */
    public readonly policies: Record<TenantRuleTarget, k8s.admissionregistration.v1.ValidatingAdmissionPolicy>;

    constructor(name: string, args: TenantAdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:tenancy:TenantAdmission", name, {}, opts);
        this.exemptGroups = args.exemptGroups ?? [...PLATFORM_GROUPS];
        this.rules = tenantRules(args);
        const labels = standardLabels("tenant-admission", "tenancy", args.labels);
        const targets: TenantRuleTarget[] = ["workloads", "services", "platform-objects"];
        const policies: Partial<Record<TenantRuleTarget, k8s.admissionregistration.v1.ValidatingAdmissionPolicy>> = {};
        for (const target of targets) {
            // Fixed names: the API server's refusals name them, and the smoke test reads them.
            const policyName = `containercloud-tenant-${target}`;
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${target}`, {
                metadata: { name: policyName, labels },
                spec: renderPolicySpec(target, this.rules, this.exemptGroups),
            }, { parent: this });
            new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${target}`, {
                metadata: { name: policyName, labels },
                spec: {
                    policyName: policy.metadata.name,
                    validationActions: ["Deny"],
                    matchResources: { namespaceSelector: tenantNamespaceSelector() },
                },
            }, { parent: this });
            policies[target] = policy;
        }
        this.policies = policies as Record<TenantRuleTarget, k8s.admissionregistration.v1.ValidatingAdmissionPolicy>;
        this.registerOutputs({});
    }
}
