/** Network: Flannel for pod networking, kube-router for NetworkPolicy. */
export { Flannel, renderCniConf, renderNetConf, renderBackend, validateFlannelArgs, flanneldArgs } from "./flannel";
export type { FlannelArgs, FlannelBackend, FlannelEtcdArgs, VxlanBackend, HostGwBackend, WireguardBackend, SubnetManager } from "./flannel";
export { KubeRouter, kubeRouterArgs } from "./kube-router";
export type { KubeRouterArgs } from "./kube-router";
export { parseCidr, cidrsOverlap, validateNetworkCidrs } from "./cidr";
export type { Cidr, NetworkCheckArgs } from "./cidr";
