/** etcd: the configuration store. */
export { EtcdCluster } from "./etcd-cluster";
export type { EtcdClusterArgs, EtcdBackupArgs } from "./etcd-cluster";
export {
    ETCD_PORTS, etcdQuorum, validateEtcdReplicas, memberHost, initialCluster, clientEndpoint, serverDnsNames,
    etcdFlags, enableAuthScript, backupScript,
} from "./etcd-config";
export type { EtcdTopology, EtcdFlagOptions } from "./etcd-config";
