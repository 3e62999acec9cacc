/**
 * Every pinned image and chart version the platform deploys, in one place, so an upgrade is one diff.
 *
 * A flat list of exported constants: append new entries at the end of the block they belong to and
 * do not reorder others' lines (several components' owners edit this file).
 */

// --- Network (Flannel, kube-router) ---
/** Flannel daemon image. */
export const FLANNEL_IMAGE = "docker.io/flannel/flannel:v0.26.7";
/** Image that carries the `flannel` CNI plugin binary copied onto each node. */
export const FLANNEL_CNI_PLUGIN_IMAGE = "docker.io/flannel/flannel-cni-plugin:v1.6.2-flannel1";
/** kube-router, run in firewall-only mode to enforce NetworkPolicy next to Flannel. */
export const KUBE_ROUTER_IMAGE = "docker.io/cloudnativelabs/kube-router:v2.5.0";

// --- etcd ---
/** etcd server image (distroless: `etcd` and `etcdctl`, no shell). */
export const ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.21";
/** etcd image with a shell and `etcdctl`, for the auth, backup and config Jobs that run scripts. */
export const ETCD_TOOLS_IMAGE = "docker.io/bitnami/etcd:3.5.21";

// --- Storage (Rook/Ceph) ---
/** Rook operator Helm chart version (chart `rook-ceph`). */
export const ROOK_CHART_VERSION = "v1.17.2";
/** Default Helm repository of the Rook charts. */
export const ROOK_CHART_REPO = "https://charts.rook.io/release";
/** Rook operator image, set in the chart values so a mirror can rewrite it. */
export const ROOK_OPERATOR_IMAGE = "docker.io/rook/ceph:v1.17.2";
/** Ceph daemons image (Squid). */
export const CEPH_IMAGE = "quay.io/ceph/ceph:v19.2.2";

// --- Registry ---
/** CNCF distribution registry. */
export const REGISTRY_IMAGE = "docker.io/library/registry:3.0.0";
/** kubectl, used by the registry GC CronJob to switch the registry into read-only mode and back. */
export const KUBECTL_IMAGE = "docker.io/bitnami/kubectl:1.33.1";
