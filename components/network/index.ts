/** Network: Flannel for pod networking, kube-network-policies for NetworkPolicy. */
export { Flannel, renderCniConf, renderNetConf, renderBackend, validateFlannelArgs, flanneldArgs } from "./flannel";
export type { FlannelArgs, FlannelBackend, FlannelEtcdArgs, VxlanBackend, HostGwBackend, WireguardBackend, SubnetManager } from "./flannel";
export { KubeNetworkPolicies, kubeNetworkPoliciesArgs } from "./kube-network-policies";
export type { KubeNetworkPoliciesArgs } from "./kube-network-policies";
export { parseCidr, cidrsOverlap, validateNetworkCidrs } from "./cidr";
export type { Cidr, NetworkCheckArgs } from "./cidr";
export { POLICY_EXEMPTIONS_ANNOTATION, policyExemptionAnnotation } from "./policy-exemptions";
export type { PolicyExemption, PolicyRule } from "./policy-exemptions";
