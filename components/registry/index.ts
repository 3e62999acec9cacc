/** Registry: the platform's image registry. */
export { Registry } from "./registry";
export type { RegistryArgs, RegistryTls, S3RegistryStorage, FilesystemRegistryStorage } from "./registry";
export {
    REGISTRY_PORTS, renderRegistryConfig, maintenanceSection, readOnlyOverride, garbageCollectSteps, renderDockerConfigJson, htpasswdLine,
} from "./registry-config";
export type { RegistryConfigOptions, RegistryStorageKind } from "./registry-config";
export { RegistryNodeTrust, CONTAINERD_CERTS_DIR, renderTrustedRegistryHosts, nodeTrustScript } from "./node-trust";
export type { RegistryNodeTrustArgs } from "./node-trust";
