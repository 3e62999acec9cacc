/** The library's public surface: every component and the types their args use. */
export * from "./core/types";
export * from "./core/context";
export { standardLabels, selectorLabels } from "./core/labels";
export { mirrorImage, isPinned, splitImage } from "./core/images";
export { cronSchedule, startingDeadlineSeconds } from "./core/cron";
export { POLICY_EXEMPTIONS_ANNOTATION, EXEMPTIBLE_RULES, policyExemptionAnnotation } from "./core/policy-exemptions";
export type { PolicyExemption, PolicyRule } from "./core/policy-exemptions";
export * from "./tenancy/tenant-namespace";
export * from "./container-cloud";
export * from "./app-engine";
export { Flannel, renderCniConf, renderNetConf, renderBackend, validateFlannelArgs, flanneldArgs, subnetManagerError, KubeNetworkPolicies, kubeNetworkPoliciesArgs, parseCidr, cidrsOverlap, validateNetworkCidrs } from "./network";
export type { FlannelArgs, FlannelBackend, VxlanBackend, HostGwBackend, WireguardBackend, SubnetManager, KubeNetworkPoliciesArgs, Cidr, NetworkCheckArgs } from "./network";
export * from "./etcd";
export * from "./storage";
export * from "./registry";
export * from "./secrets";
export { imageMirrorTransformation, imageMirrorTransform, mirrorPodImages, kindOfType, POD_SPEC_PATHS } from "./core/image-mirror";
export * as versions from "./versions";
