/** Network: Flannel for pod networking, kube-router for NetworkPolicy. */
export { Flannel } from "./flannel";
export type { FlannelArgs, FlannelEtcdArgs } from "./flannel";
export { renderCniConf, renderNetConf, renderBackend, validateFlannelArgs, flanneldArgs } from "./flannel-config";
export type { FlannelBackend, VxlanBackend, HostGwBackend, WireguardBackend, SubnetManager } from "./flannel-config";
export { KubeRouter, kubeRouterArgs } from "./kube-router";
export type { KubeRouterArgs } from "./kube-router";
export { parseCidr, cidrsOverlap, validateNetworkCidrs } from "./cidr";
export type { Cidr, NetworkCheckArgs } from "./cidr";
