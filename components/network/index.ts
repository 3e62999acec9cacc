/** Network: Flannel for pod networking, kube-network-policies for NetworkPolicy. */
export { Flannel } from "./flannel";
export type { FlannelArgs } from "./flannel";
export { renderCniConf, renderNetConf, renderBackend, validateFlannelArgs, flanneldArgs, subnetManagerError } from "./flannel-config";
export type { FlannelBackend, VxlanBackend, HostGwBackend, WireguardBackend, SubnetManager } from "./flannel-config";
export { KubeNetworkPolicies, kubeNetworkPoliciesArgs } from "./kube-network-policies";
export type { KubeNetworkPoliciesArgs } from "./kube-network-policies";
export { parseCidr, cidrsOverlap, validateNetworkCidrs } from "./cidr";
export type { Cidr, NetworkCheckArgs } from "./cidr";
