/**
 * The tenant rules as the API server enforces them at admission time (ValidatingAdmissionPolicy
 * CEL), one entry per rule, each naming the policy-pack rule (policies/rules) it enforces. The pack
 * judges what `pulumi preview`/`up` sends; these judge what anyone else sends (kubectl, CI, an
 * operator of the tenant's). test/core/tenant-rules.test.ts holds this list, the exemptions below
 * and the pack's own copies of them equal, so the two cannot drift.
 *
 * Pure data and string builders: no resources, no imports, so the pack's tests and the component
 * share it as it is.
 */

/** Label that marks a namespace as the platform's own: the only namespaces (besides Kubernetes' own) the tenant rules skip. */
export const NAMESPACE_OWNER_LABEL = "containercloud.io/namespace-owner";

/** The labels every platform namespace carries (`{ "containercloud.io/namespace-owner": "platform" }`). */
export const PLATFORM_NAMESPACE_LABELS: Readonly<Record<string, string>> = { [NAMESPACE_OWNER_LABEL]: "platform" };

/** Kubernetes' own namespaces, exempt like the platform's. `default` is not among them: nothing of a tenant's may hide there. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

/**
 * Request groups the admission rules let through: the platform's own identity. `system:masters` is
 * what Pulumi (and the API server's loopback client) acts as; what it sends has passed the policy
 * pack at preview, with the pack's reviewed per-resource exemptions, which admission cannot tell
 * from a tenant's self-written annotation. `system:serviceaccounts:kube-system` holds the
 * controllers (kube-controller-manager runs with `--use-service-account-credentials`): the
 * namespace controller and the garbage collector must delete platform objects when a tenant
 * namespace goes, and pods made by a ReplicaSet or Job controller come from a workload already
 * judged at its own admission. Tenants can get neither identity.
 */
export const PLATFORM_GROUPS: readonly string[] = ["system:masters", "system:serviceaccounts:kube-system"];

/** Labels of the objects the platform owns in a tenant namespace (`standardLabels`): tenants may not change or delete them. */
export const PLATFORM_OBJECT_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/part-of": "containercloud",
    "app.kubernetes.io/managed-by": "pulumi",
};

/** Name of the registry credentials Secret of a tenant namespace (TENANT_PULL_SECRET): pods may pull with it, never mount it. */
export const REGISTRY_CREDENTIALS_SECRET = "registry-pull";

/**
 * The pack rules admission does not enforce, and why: with the rules above, every rule of the
 * pack is accounted for (test/core/tenant-rules.test.ts), so a new pack rule needs a decision here.
 */
export const PACK_RULES_NOT_AT_ADMISSION: Readonly<Record<string, string>> = {
    "run-as-non-root": "Pod Security admission (restricted, the tenant namespaces' enforce label) refuses it",
    "seccomp-runtime-default": "Pod Security admission (restricted) requires RuntimeDefault or Localhost",
    "read-only-root-filesystem": "advisory in every environment",
    "no-plaintext-secrets": "a heuristic on names, kept where a false positive is fixed in review rather than at a deploy",
    "no-default-namespace": "admission judges `default` like any tenant namespace instead",
    "min-replicas": "availability of a tenant's own workloads is the tenant's choice",
    "pod-disruption-budget": "availability of a tenant's own workloads is the tenant's choice",
    "replica-spread": "availability of a tenant's own workloads is the tenant's choice",
    "health-probes": "availability of a tenant's own workloads is the tenant's choice",
    "etcd-odd-members": "the platform's etcd lives in a platform namespace",
    "ceph-mon-count-odd": "the platform's storage lives in platform namespaces",
    "ceph-pool-replication": "the platform's storage lives in platform namespaces",
    "policy-exemptions-valid": "admission honours no per-resource exemption: a tenant could write its own",
};

/** Which admission policy a rule belongs to: what it matches. */
export type TenantRuleTarget = "workloads" | "services" | "platform-objects";

/** One tenant rule as admission enforces it. */
export interface TenantRule {
    /** Kebab-case rule name; the pack rule's name when `packRule` is set. */
    name: string;
    /** The pack rule it enforces, or `undefined` for a rule only admission can check (then `admissionOnly` says why). */
    packRule: string | undefined;
    /** Why the pack has no such rule (for admission-only rules). */
    admissionOnly?: string;
    /** The admission policy it belongs to. */
    target: TenantRuleTarget;
    /** CEL that is true when the request complies. */
    expression: string;
    /** What the API server answers, starting `containercloud: <name>:`. */
    message: string;
}

/** The environment's values the rules need: the same as the pack's config for the environment. */
export interface TenantRuleParams {
    /** Registry hosts (optionally with a path prefix) images may come from; `[]` allows any (image-registry-allowed). */
    allowedRegistries: readonly string[];
    /** Capabilities a container may add (restricted-capabilities). */
    allowedCapabilities: readonly string[];
    /** Largest cpu limit of one container, e.g. `"4"` (container-limits-within-ceiling). */
    maxCpu: string;
    /** Largest memory limit of one container, e.g. `"8Gi"`. */
    maxMemory: string;
}

/** The pack's defaults for these values (its rules' `config.defaults`), for a platform built without an environment's pack config. */
export const DEFAULT_TENANT_RULE_PARAMS: Readonly<TenantRuleParams> = {
    allowedRegistries: ["registry.containercloud.local", "mirror.containercloud.local"],
    allowedCapabilities: ["NET_BIND_SERVICE"],
    maxCpu: "4",
    maxMemory: "8Gi",
};

/** A CEL string literal. */
export function celString(s: string): string {
    return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A CEL list of string literals. */
export function celList(items: readonly string[]): string {
    return `[${items.map(celString).join(", ")}]`;
}

/**
 * Variables of the workloads policy: the pod spec of any pod-bearing kind (a CronJob's is one
 * template deeper), and its containers with the init containers. Ephemeral containers are added
 * only through the `pods/ephemeralcontainers` subresource, which Pod Security admission judges.
 */
export const WORKLOAD_VARIABLES: readonly { name: string; expression: string }[] = [
    {
        name: "podSpec",
        expression: "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
    },
    { name: "containers", expression: "variables.podSpec.containers + variables.podSpec.?initContainers.orValue([])" },
];

/** `docker.io/library/nginx:1` for `nginx:1`, as policies/lib/images.ts qualifies a reference. */
function qualifiedImage(image: string): string {
    return `(${image}.matches('^([^/]*[.:][^/]*|localhost)/') ? ${image} : 'docker.io/' + (${image}.contains('/') ? ${image} : 'library/' + ${image}))`;
}

const sc = "c.?securityContext";
const image = "c.?image.orValue('')";

/** Every tenant rule, with the environment's values baked into the CEL. */
export function tenantRules(p: TenantRuleParams): TenantRule[] {
    const caps = [...p.allowedCapabilities.map((c) => c.toUpperCase().replace(/^CAP_/, "")), ...p.allowedCapabilities.map((c) => `CAP_${c.toUpperCase().replace(/^CAP_/, "")}`)];
    const registries = p.allowedRegistries.map((r) => r.replace(/\/+$/, ""));
    const rules: Omit<TenantRule, "message">[] = [
        { name: "no-privileged-containers", packRule: "no-privileged-containers", target: "workloads",
            expression: `variables.containers.all(c, ${sc}.?privileged.orValue(false) != true)` },
        { name: "no-host-network", packRule: "no-host-network", target: "workloads",
            expression: "variables.podSpec.?hostNetwork.orValue(false) != true" },
        { name: "no-host-pid-ipc", packRule: "no-host-pid-ipc", target: "workloads",
            expression: "variables.podSpec.?hostPID.orValue(false) != true && variables.podSpec.?hostIPC.orValue(false) != true" },
        { name: "no-host-path-volumes", packRule: "no-host-path-volumes", target: "workloads",
            expression: "variables.podSpec.?volumes.orValue([]).all(v, !has(v.hostPath))" },
        { name: "no-host-ports", packRule: "no-host-ports", target: "workloads",
            expression: "variables.containers.all(c, c.?ports.orValue([]).all(port, port.?hostPort.orValue(0) == 0))" },
        { name: "no-privilege-escalation", packRule: "no-privilege-escalation", target: "workloads",
            expression: `variables.containers.all(c, ${sc}.?allowPrivilegeEscalation.orValue(true) == false)` },
        { name: "restricted-capabilities", packRule: "restricted-capabilities", target: "workloads",
            expression: `variables.containers.all(c, ${sc}.?capabilities.?drop.orValue([]).exists(d, d == 'ALL') && ${sc}.?capabilities.?add.orValue([]).all(a, a.upperAscii() in ${celList(caps)}))` },
        // A Pod's missing values are filled in by the LimitRange (LimitRanger runs before validation and
        // records what it set in this annotation): filled-in values do not count as declared.
        { name: "container-resources-required", packRule: "container-resources-required", target: "workloads",
            expression: "variables.containers.all(c, ['cpu', 'memory'].all(r, r in c.?resources.?requests.orValue({}) && r in c.?resources.?limits.orValue({}) "
                + "&& quantity(c.resources.requests[r]).compareTo(quantity(c.resources.limits[r])) <= 0)) "
                + "&& !('kubernetes.io/limit-ranger' in object.metadata.?annotations.orValue({}))" },
        { name: "container-limits-within-ceiling", packRule: "container-limits-within-ceiling", target: "workloads",
            expression: `variables.containers.all(c, (!('cpu' in c.?resources.?limits.orValue({})) || quantity(c.resources.limits['cpu']).compareTo(quantity(${celString(p.maxCpu)})) <= 0) `
                + `&& (!('memory' in c.?resources.?limits.orValue({})) || quantity(c.resources.limits['memory']).compareTo(quantity(${celString(p.maxMemory)})) <= 0))` },
        { name: "image-registry-allowed", packRule: "image-registry-allowed", target: "workloads",
            expression: registries.length === 0 ? "true"
                : `variables.containers.all(c, ${celList(registries)}.exists(r, ${qualifiedImage(image)}.startsWith(r + '/')))` },
        { name: "image-pinned", packRule: "image-pinned", target: "workloads",
            expression: `variables.containers.all(c, ${image}.matches('@sha256:[0-9a-f]{64}$') || (${image}.matches(':[^/:@]+$') && !${image}.endsWith(':latest')))` },
        { name: "no-registry-credential-mounts", packRule: "no-registry-credential-mounts", target: "workloads",
            expression: `!variables.podSpec.?volumes.orValue([]).exists(v, v.?secret.?secretName.orValue('') == ${celString(REGISTRY_CREDENTIALS_SECRET)} `
                + `|| v.?projected.?sources.orValue([]).exists(s, s.?secret.?name.orValue('') == ${celString(REGISTRY_CREDENTIALS_SECRET)})) `
                + `&& variables.containers.all(c, !c.?env.orValue([]).exists(e, e.?valueFrom.?secretKeyRef.?name.orValue('') == ${celString(REGISTRY_CREDENTIALS_SECRET)}) `
                + `&& !c.?envFrom.orValue([]).exists(e, e.?secretRef.?name.orValue('') == ${celString(REGISTRY_CREDENTIALS_SECRET)}))` },
        { name: "router-only-external-services", packRule: "router-only-external-services", target: "services",
            expression: "!(object.spec.?type.orValue('ClusterIP') in ['NodePort', 'LoadBalancer'])" },
        { name: "tenant-namespace-default-deny", packRule: "tenant-namespace-default-deny", target: "platform-objects",
            expression: "request.resource.resource != 'networkpolicies'" },
        { name: "tenant-namespace-quota", packRule: "tenant-namespace-quota", target: "platform-objects",
            expression: "!(request.resource.resource in ['resourcequotas', 'limitranges'])" },
        { name: "tenant-rbac-platform-owned", packRule: undefined, target: "platform-objects",
            admissionOnly: "the pack sees only the platform's own Pulumi program, which is what owns these objects; only admission sees a tenant change them",
            expression: "!(request.resource.resource in ['roles', 'rolebindings', 'secrets'])" },
    ];
    return rules.map((r) => ({ ...r, message: `containercloud: ${r.name}: ${MESSAGES[r.name]}` }));
}

/** What each rule's refusal says after its name. */
const MESSAGES: Record<string, string> = {
    "no-privileged-containers": "no container may set securityContext.privileged: true",
    "no-host-network": "pods may not use hostNetwork",
    "no-host-pid-ipc": "pods may not use hostPID or hostIPC",
    "no-host-path-volumes": "pods may not mount hostPath volumes",
    "no-host-ports": "containers may not bind hostPorts",
    "no-privilege-escalation": "every container must set securityContext.allowPrivilegeEscalation: false",
    "restricted-capabilities": "every container must drop ALL capabilities and add only the allowed ones",
    "container-resources-required": "every container and init container must declare cpu and memory requests and limits (request <= limit); values the LimitRange fills in do not count",
    "container-limits-within-ceiling": "a container's cpu or memory limit is above the environment's ceiling",
    "image-registry-allowed": "images must come from the platform registry or the mirror",
    "image-pinned": "images must be pinned by a tag other than latest or by a sha256 digest",
    "no-registry-credential-mounts": `pods may pull with the ${REGISTRY_CREDENTIALS_SECRET} Secret but not mount it or read it into env`,
    "router-only-external-services": "NodePort and LoadBalancer Services are the App Router's alone: use a ClusterIP Service and a route",
    "tenant-namespace-default-deny": "the platform's NetworkPolicies in this namespace are changed only by the platform",
    "tenant-namespace-quota": "the platform's ResourceQuota and LimitRange in this namespace are changed only by the platform",
    "tenant-rbac-platform-owned": "the platform's Roles, RoleBindings and Secrets in this namespace are changed only by the platform",
};
