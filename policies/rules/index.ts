/**
 * Every policy of the pack, as a plain array: tests and the pack's index.ts build on it, and
 * nothing here starts the analyzer.
 */
import type { PlatformPolicy } from "../lib/types";
import { cephMonCountOdd } from "./ceph-mon-count-odd";
import { cephPoolReplication } from "./ceph-pool-replication";
import { containerLimitsWithinCeiling } from "./container-limits-within-ceiling";
import { containerResourcesRequired } from "./container-resources-required";
import { etcdOddMembers } from "./etcd-odd-members";
import { healthProbes } from "./health-probes";
import { imagePinned } from "./image-pinned";
import { imageRegistryAllowed } from "./image-registry-allowed";
import { minReplicas } from "./min-replicas";
import { noDefaultNamespace } from "./no-default-namespace";
import { noHostNetwork } from "./no-host-network";
import { noHostPathVolumes } from "./no-host-path-volumes";
import { noHostPidIpc } from "./no-host-pid-ipc";
import { noHostPorts } from "./no-host-ports";
import { noPlaintextSecrets } from "./no-plaintext-secrets";
import { noPrivilegeEscalation } from "./no-privilege-escalation";
import { noPrivilegedContainers } from "./no-privileged-containers";
import { noRegistryCredentialMounts } from "./no-registry-credential-mounts";
import { podDisruptionBudget } from "./pod-disruption-budget";
import { policyExemptionsValid } from "./policy-exemptions-valid";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { replicaSpread } from "./replica-spread";
import { restrictedCapabilities } from "./restricted-capabilities";
import { routerOnlyExternalServices } from "./router-only-external-services";
import { runAsNonRoot } from "./run-as-non-root";
import { seccompRuntimeDefault } from "./seccomp-runtime-default";
import { tenantNamespaceDefaultDeny } from "./tenant-namespace-default-deny";
import { tenantNamespaceQuota } from "./tenant-namespace-quota";

export { cephMonCountOdd, CEPH_MON_COUNT_ODD } from "./ceph-mon-count-odd";
export { cephPoolReplication, CEPH_POOL_REPLICATION, type CephPoolReplicationConfig } from "./ceph-pool-replication";
export { containerLimitsWithinCeiling, CONTAINER_LIMITS_WITHIN_CEILING, DEFAULT_CEILING, type ContainerLimitsCeilingConfig } from "./container-limits-within-ceiling";
export { containerResourcesRequired, CONTAINER_RESOURCES_REQUIRED } from "./container-resources-required";
export { etcdOddMembers, ETCD_ODD_MEMBERS, isEtcd } from "./etcd-odd-members";
export { healthProbes, HEALTH_PROBES } from "./health-probes";
export { imagePinned, IMAGE_PINNED } from "./image-pinned";
export { imageRegistryAllowed, IMAGE_REGISTRY_ALLOWED, DEFAULT_ALLOWED_REGISTRIES, type ImageRegistryConfig } from "./image-registry-allowed";
export { minReplicas, MIN_REPLICAS, type MinReplicasConfig } from "./min-replicas";
export { noDefaultNamespace, NO_DEFAULT_NAMESPACE, NAMESPACED_TYPES } from "./no-default-namespace";
export { noHostNetwork, NO_HOST_NETWORK } from "./no-host-network";
export { noHostPathVolumes, NO_HOST_PATH_VOLUMES } from "./no-host-path-volumes";
export { noHostPidIpc, NO_HOST_PID_IPC } from "./no-host-pid-ipc";
export { noHostPorts, NO_HOST_PORTS } from "./no-host-ports";
export { noPlaintextSecrets, NO_PLAINTEXT_SECRETS, type PlaintextSecretsConfig } from "./no-plaintext-secrets";
export { noPrivilegeEscalation, NO_PRIVILEGE_ESCALATION } from "./no-privilege-escalation";
export { noPrivilegedContainers, NO_PRIVILEGED_CONTAINERS } from "./no-privileged-containers";
export { noRegistryCredentialMounts, NO_REGISTRY_CREDENTIALS_MOUNTS, REGISTRY_CREDENTIALS_SECRET } from "./no-registry-credential-mounts";
export { podDisruptionBudget, POD_DISRUPTION_BUDGET, allowedDisruptions } from "./pod-disruption-budget";
export { closestPolicyName, policyExemptionsValid, POLICY_EXEMPTIONS_VALID, type ExemptionCatalogEntry } from "./policy-exemptions-valid";
export { readOnlyRootFilesystem, READ_ONLY_ROOT_FILESYSTEM } from "./read-only-root-filesystem";
export { replicaSpread, REPLICA_SPREAD } from "./replica-spread";
export { restrictedCapabilities, RESTRICTED_CAPABILITIES, type RestrictedCapabilitiesConfig } from "./restricted-capabilities";
export { routerOnlyExternalServices, ROUTER_ONLY_EXTERNAL_SERVICES, type RouterOnlyConfig } from "./router-only-external-services";
export { runAsNonRoot, RUN_AS_NON_ROOT } from "./run-as-non-root";
export { seccompRuntimeDefault, SECCOMP_RUNTIME_DEFAULT } from "./seccomp-runtime-default";
export { tenantNamespaceDefaultDeny, TENANT_NAMESPACE_DEFAULT_DENY, isDefaultDeny } from "./tenant-namespace-default-deny";
export { tenantNamespaceQuota, TENANT_NAMESPACE_QUOTA } from "./tenant-namespace-quota";
export { EXEMPTIONS_ANNOTATION, decideExemption, parseExemptions, type Exemption, type ExemptionDecision } from "../lib/exemptions";
export type * from "../lib/types";

/** Every rule except the exemption check, grouped as policies/README.md lists them. */
const rules: PlatformPolicy[] = [
    // resources (cgroup limits, namespace quotas)
    containerResourcesRequired(),
    containerLimitsWithinCeiling(),
    tenantNamespaceQuota(),
    // images
    imagePinned(),
    imageRegistryAllowed(),
    // pod security
    noPrivilegedContainers(),
    noHostNetwork(),
    noHostPidIpc(),
    noHostPathVolumes(),
    noHostPorts(),
    noPrivilegeEscalation(),
    restrictedCapabilities(),
    runAsNonRoot(),
    readOnlyRootFilesystem(),
    seccompRuntimeDefault(),
    noPlaintextSecrets(),
    noRegistryCredentialMounts(),
    noDefaultNamespace(),
    // availability
    minReplicas(),
    podDisruptionBudget(),
    replicaSpread(),
    healthProbes(),
    // network
    routerOnlyExternalServices(),
    tenantNamespaceDefaultDeny(),
    // quorum and storage
    etcdOddMembers(),
    cephMonCountOdd(),
    cephPoolReplication(),
];

/** Every policy of the pack, the exemption check last (it needs to know which rules are exemptible). */
export const allPolicies: readonly PlatformPolicy[] = [...rules, policyExemptionsValid(rules)];
