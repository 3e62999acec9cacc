/**
 * Every pinned image and chart version the platform deploys, in one place, so an upgrade is one diff.
 *
 * A flat list of exported constants: append new entries at the end of the block they belong to and
 * do not reorder others' lines (several components' owners edit this file).
 */

// --- Network (Flannel, kube-network-policies) ---
/** Flannel daemon image. */
export const FLANNEL_IMAGE = "docker.io/flannel/flannel:v0.28.10";
/**
 * Image that carries the `flannel` CNI plugin binary copied onto each node. v1.0.0 (then published
 * as flannelcni/flannel-cni-plugin) is the first flannel-io/cni-plugin release: the code it moved from
 * containernetworking/plugins v0.9.1, which is what the local cluster can build (later releases are
 * not served by the Go module proxy).
 */
export const FLANNEL_CNI_PLUGIN_IMAGE = "docker.io/flannelcni/flannel-cni-plugin:v1.0.0";
/** kube-network-policies (SIG Network), the NetworkPolicy agent next to Flannel. */
export const KUBE_NETWORK_POLICIES_IMAGE = "registry.k8s.io/networking/kube-network-policies:v1.1.1";

// --- etcd ---
/**
 * etcd image (distroless: `etcd`, `etcdctl` and `etcdutl` under /usr/local/bin, no shell), the
 * release the local control plane runs too. The maintenance Jobs that run scripts borrow a shell
 * from BUSYBOX_IMAGE (components/etcd/etcd-jobs.ts); bitnami/etcd, which they used before, was
 * withdrawn in September 2025.
 */
export const ETCD_IMAGE = "quay.io/coreos/etcd:v3.6.16";
/**
 * The aws CLI (Apache-2.0, the official image), which sends etcd snapshots to the object store
 * (Ceph RGW speaks S3) when `etcd.backup.objectStore` is on. Not built for the local cluster: it
 * has no object store.
 */
export const AWS_CLI_IMAGE = "docker.io/amazon/aws-cli:2.38.4";

// --- Storage (Rook/Ceph) ---
/** Rook operator Helm chart version (chart `rook-ceph`). */
export const ROOK_CHART_VERSION = "v1.20.6";
/** Default Helm repository of the Rook charts. */
export const ROOK_CHART_REPO = "https://charts.rook.io/release";
/** Rook operator image, set in the chart values so a mirror can rewrite it. */
export const ROOK_OPERATOR_IMAGE = "docker.io/rook/ceph:v1.20.6";
/** Ceph daemons image (Tentacle; the release Rook v1.20.6's examples run). */
export const CEPH_IMAGE = "quay.io/ceph/ceph:v20.2.4";
/**
 * The images the Rook chart v1.20.6 deploys besides the operator: the ceph-csi-operator subchart's
 * manager (v1.0.4) and the CSI driver images the operator hands to it (the chart's `csi.*` values,
 * written to its image-set ConfigMap). The platform sets each through the chart's values, so the
 * image mirror rewrites them too (helm.v4 renders in the provider, where no transformation reaches).
 */
export const ROOK_CSI_OPERATOR_IMAGE = "quay.io/cephcsi/ceph-csi-operator:v1.0.4";
export const CEPH_CSI_IMAGE = "quay.io/cephcsi/cephcsi:v3.17.0";
export const CSI_NODE_DRIVER_REGISTRAR_IMAGE = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0";
export const CSI_PROVISIONER_IMAGE = "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0";
export const CSI_SNAPSHOTTER_IMAGE = "registry.k8s.io/sig-storage/csi-snapshotter:v8.5.0";
export const CSI_ATTACHER_IMAGE = "registry.k8s.io/sig-storage/csi-attacher:v4.12.0";
export const CSI_RESIZER_IMAGE = "registry.k8s.io/sig-storage/csi-resizer:v2.1.0";
export const CSI_ADDONS_IMAGE = "quay.io/csiaddons/k8s-sidecar:v0.14.0";

// --- Registry ---
/** CNCF distribution registry. */
export const REGISTRY_IMAGE = "docker.io/library/registry:3.1.2";
/**
 * kubectl (Kubernetes' own image: kubectl only, no shell), used by the registry GC CronJob to switch
 * the registry into read-only mode and back. Kept at the local control plane's Kubernetes release
 * (scripts/lib/tools.ts KUBERNETES_VERSION), whose build makes the local image's kubectl.
 */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.2";

// --- App Engine (components/app-engine) ---
/** App Router: Traefik (the official image), core Ingress API plus a file of weighted splits. */
export const TRAEFIK_IMAGE = "docker.io/library/traefik:v3.7.13";
/** Platform Control: resource metrics for HPA and `kubectl top`. */
export const METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.8.0";
/**
 * Manage System: k9s (Apache-2.0), the Kubernetes console; its binary runs inside the ttyd
 * container. Headlamp is not built here: its backend module is not served by the Go module proxy.
 */
export const K9S_IMAGE = "docker.io/derailed/k9s:v0.51.0";
/** Manage System: ttyd (MIT), which serves k9s' terminal to the browser over a WebSocket. */
export const TTYD_IMAGE = "docker.io/tsl0922/ttyd:1.7.7";
/** Platform Support: metrics store. */
export const PROMETHEUS_IMAGE = "quay.io/prometheus/prometheus:v3.16.0";
/** Platform Support: alert routing. */
export const ALERTMANAGER_IMAGE = "quay.io/prometheus/alertmanager:v0.35.0";
/**
 * Platform Support: OTLP collector for traces, metrics and logs from apps; also the Log Center's
 * node agent (filelog receiver). Built here from core v0.165.0 and contrib v0.165.1 with only the
 * components the platform's configs use (tools/go/otelcol); upstream's contrib image is a superset.
 */
export const OTEL_COLLECTOR_IMAGE = "docker.io/otel/opentelemetry-collector-contrib:0.165.1";
/** Log Center: log store (replaces Loki, which is AGPL-licensed). */
export const VICTORIA_LOGS_IMAGE = "docker.io/victoriametrics/victoria-logs:v1.52.2";
/** Services: PostgreSQL (the version of Debian trixie's postgresql-17: the local cluster builds it). */
export const POSTGRES_IMAGE = "docker.io/library/postgres:17.12";
/** Services, kind `mysql`: MariaDB (GPL-2, MySQL-compatible; MySQL is not in Debian), trixie's version. */
export const MYSQL_IMAGE = "docker.io/library/mariadb:11.8.9";
/** Services, kind `redis`: Valkey (BSD; Redis 8 is RSALv2/SSPL/AGPL), trixie's version. */
export const REDIS_IMAGE = "docker.io/valkey/valkey:8.1.1";
/** Services: RabbitMQ with the management plugin, trixie's version. */
export const RABBITMQ_IMAGE = "docker.io/library/rabbitmq:4.0.5-management";
/**
 * Code Center: Git hosting (rootless variant: runs as uid 1000), the release the local cluster
 * builds (scripts/lib/code-center-tools.ts GITEA_VERSION).
 */
export const GITEA_IMAGE = "docker.io/gitea/gitea:1.27.3-rootless";
/**
 * Code Center: image builder without a Docker daemon. The non-rootless variant, run privileged:
 * rootless BuildKit needs newuidmap (setuid) and unprivileged user namespaces with an unconfined
 * seccomp profile (components/app-engine/code-center.ts says why the platform does not use it).
 * The release the local cluster builds (scripts/lib/code-center-tools.ts BUILDKIT_VERSION).
 */
export const BUILDKIT_IMAGE = "docker.io/moby/buildkit:v0.34.2";

// --- Local cluster (scripts/lib/images.ts builds these on the host and serves them to the nodes) ---
/** Pod sandbox image the nodes' containerd runs every pod in (`sandbox_image`). */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10.1";
/** Cluster DNS (upstream tags CoreDNS images without the `v`). */
export const COREDNS_IMAGE = "docker.io/coredns/coredns:1.15.0";
/** Shell, httpd and wget for the example apps: the busybox version of Debian trixie's busybox-static. */
export const BUSYBOX_IMAGE = "docker.io/library/busybox:1.37.0";
