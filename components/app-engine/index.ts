/** The App Engine: the app model, the eight modules and their wiring. */
export {
    appManifestSchema, parseAppManifest, parseAppManifests, readAppManifestDir, loadApps, processResources, instanceBounds,
    SERVICE_TYPES, SIZE_PRESETS,
} from "./app-manifest";
export type { AppManifest, ProcessSpec, ServiceBindingSpec, ServiceType, AppParseResult, AppsLoadResult } from "./app-manifest";
export { App, renderProbes, imageVersion, mergeSameHost } from "./app";
export type { AppArgs } from "./app";
export { BINDING_KEYS, BINDING_ROOT, bindingEnvVars, bindingProjectedVolume, bindingEnvPrefix } from "./bindings";
export type { AppBinding, BindingSecretRef } from "./bindings";
export { AppRouter, ROUTER_NAMESPACE_LABELS, ROUTER_UID, platformHosts, renderIngressSpec } from "./app-router";
export type { AppRouterArgs, RouteSpec, PlatformRoute } from "./app-router";
export {
    TRAEFIK_CONTROLLER, ROUTER_PRIORITY_ANNOTATION, TRACK_LABEL, ROUTER_PORTS, renderTraefikArgs, renderDynamicConfig, hostPathRule, splitFallbackAnnotations,
} from "./router-config";
export type { TrafficSplit, TraefikArgsOptions } from "./router-config";
export { appHost, processRoutes, trackServiceNames, trafficSplitsForApps } from "./traffic-split";
export type { ProcessRoute, TrafficSplitInput } from "./traffic-split";
export { AppRuntime, registryCredentials } from "./app-runtime";
export type { AppRuntimeArgs } from "./app-runtime";
export { BackingService, serviceProfile, serviceUri, SERVICE_SIZES } from "./backing-service";
export type { BackingServiceArgs, ServiceProfile } from "./backing-service";
export { Services, serviceInstancesForApps, bindingKey } from "./services";
export type { ServicesArgs, ServiceInstanceRequest, ServiceSize } from "./services";
export { PlatformControl, PRIORITY_CLASSES, renderPriorityClasses, nodeRoleSpec, nodeRoleCommands, auditResources } from "./platform-control";
export type { PlatformControlArgs, NodeRole, ResourceAudit, ResourceSum } from "./platform-control";
export { ManageSystem, bindingSubjects } from "./manage-system";
export type { ManageSystemArgs } from "./manage-system";
export { PlatformSupport, DEFAULT_SUPPORT_SIZES, platformSupportDefaults } from "./platform-support";
export type { PlatformSupportArgs, PlatformSupportSizes } from "./platform-support";
export {
    renderPrometheusConfig, renderAlertRules, renderAlertmanagerConfig, renderOtelCollectorConfig,
    FALLBACK_SCRAPE_PROTOCOL,
} from "./platform-support-config";
export type { PrometheusConfigOptions } from "./platform-support-config";
export { LogCenter, renderLogAgentConfig, retentionHours, victoriaLogsArgs } from "./log-center";
export type { LogCenterArgs } from "./log-center";
export type { LogAgentConfigOptions } from "./log-center-config";
export { CodeCenter, giteaEnv, buildctlArgs } from "./code-center";
export type { CodeCenterArgs } from "./code-center";
export { AppEngine, parseServiceAddress, routerCertificateNames } from "./app-engine";
export type { AppEngineArgs, ModuleSwitch, RouterTls } from "./app-engine";
export {
    NODE_ROLE_LABEL, restrictedContainerSecurityContext, restrictedPodSecurityContext,
    rolePlacement, topologySpread, haAffinity, containerResources,
} from "./workload";
export type { WorkloadFootprint, RolePlacement } from "./workload";
