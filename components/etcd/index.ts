/** etcd: the configuration store. */
export { EtcdCluster } from "./etcd-cluster";
export type { EtcdClusterArgs, EtcdBackupArgs } from "./etcd-cluster";
export {
    ETCD_PORTS, etcdQuorum, validateEtcdReplicas, memberHost, initialCluster, clientEndpoint, serverDnsNames,
    etcdFlags, enableAuthScript, backupScript, uploadScript,
} from "./etcd-config";
export type { EtcdTopology, EtcdFlagOptions } from "./etcd-config";
export { memberStartScript, removeMembersScript } from "./etcd-membership";
export { memberStatefulSetSpec, removeMembersJobSpec } from "./etcd-members";
export { memberRestorePod, snapshotCheckPod, parseInitialCluster } from "./etcd-restore";
