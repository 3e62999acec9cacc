/** Pure etcd helpers: membership, quorum, flags and the maintenance scripts. */

/** Client, peer and metrics ports. */
export const ETCD_PORTS = { client: 2379, peer: 2380, metrics: 2381 } as const;

/** Members needed for a majority: floor(n/2)+1. */
export function etcdQuorum(replicas: number): number {
    return Math.floor(replicas / 2) + 1;
}

/**
 * Validates a member count. etcd needs a majority to commit; an even count adds a member without
 * adding a tolerated failure (4 members tolerate 1, like 3), so only odd counts are allowed.
 */
export function validateEtcdReplicas(replicas: number): string | undefined {
    if (!Number.isInteger(replicas) || replicas < 1) {
        return `etcd replicas must be a positive integer (got ${replicas}): set etcd.replicas to 1, 3 or 5`;
    }
    if (replicas % 2 === 0) {
        return `etcd replicas must be odd (got ${replicas}): set etcd.replicas to ${replicas - 1} or ${replicas + 1}`;
    }
    if (replicas > 7) {
        return `etcd replicas must be at most 7 (got ${replicas}): every write waits for a majority, so more members are slower`;
    }
    return undefined;
}

/** Where the members live: used for every stable DNS name. */
export interface EtcdTopology {
    /** StatefulSet name; members are `<statefulSet>-0` ... */
    statefulSet: string;
    /** Headless peer Service name. */
    peerService: string;
    /** Client Service name. */
    clientService: string;
    /** Namespace. */
    namespace: string;
    /** Cluster DNS domain. */
    clusterDomain: string;
    /** Member count. */
    replicas: number;
}

/** Stable DNS name of member `i` through the headless peer Service. */
export function memberHost(t: EtcdTopology, i: number | string): string {
    return `${t.statefulSet}-${i}.${t.peerService}.${t.namespace}.svc.${t.clusterDomain}`;
}

/** `--initial-cluster`: `etcd-0=https://etcd-0.etcd-peer.etcd.svc.cluster.local:2380,...`. */
export function initialCluster(t: EtcdTopology): string {
    return Array.from({ length: t.replicas }, (_, i) => `${t.statefulSet}-${i}=https://${memberHost(t, i)}:${ETCD_PORTS.peer}`).join(",");
}

/** The client endpoint clients use (through the client Service). */
export function clientEndpoint(t: EtcdTopology): string {
    return `https://${t.clientService}.${t.namespace}.svc:${ETCD_PORTS.client}`;
}

/** DNS names the member certificate must cover (peer and client traffic). */
export function serverDnsNames(t: EtcdTopology): string[] {
    return [
        `*.${t.peerService}.${t.namespace}.svc.${t.clusterDomain}`,
        `*.${t.peerService}.${t.namespace}.svc`,
        `${t.clientService}.${t.namespace}.svc.${t.clusterDomain}`,
        `${t.clientService}.${t.namespace}.svc`,
        `${t.clientService}.${t.namespace}`,
        t.clientService,
        "localhost",
    ];
}

/** Options of the member flags beyond the topology. */
export interface EtcdFlagOptions {
    /** Token that keeps two clusters from joining each other. */
    clusterToken: string;
    /** Backend quota in bytes. */
    quotaBackendBytes: number;
    /** Where TLS files are mounted. */
    tlsDir: string;
    /** Data directory. */
    dataDir: string;
}

/**
 * The member's flags, in a stable order. `$(POD_NAME)` is expanded by Kubernetes from the pod's
 * env. TLS on both ports with client-certificate auth. `--initial-cluster` and
 * `--initial-cluster-state` are not here: the start script (`memberStartScript`) adds them, `new`
 * for the members that bootstrap a cluster, `existing` with the member list for one that joins.
 */
export function etcdFlags(t: EtcdTopology, o: EtcdFlagOptions): string[] {
    const self = `$(POD_NAME).${t.peerService}.${t.namespace}.svc.${t.clusterDomain}`;
    return [
        "--name=$(POD_NAME)",
        `--data-dir=${o.dataDir}`,
        `--listen-peer-urls=https://0.0.0.0:${ETCD_PORTS.peer}`,
        `--listen-client-urls=https://0.0.0.0:${ETCD_PORTS.client}`,
        `--listen-metrics-urls=http://0.0.0.0:${ETCD_PORTS.metrics}`,
        `--advertise-client-urls=https://${self}:${ETCD_PORTS.client}`,
        `--initial-advertise-peer-urls=https://${self}:${ETCD_PORTS.peer}`,
        `--initial-cluster-token=${o.clusterToken}`,
        "--client-cert-auth=true",
        `--trusted-ca-file=${o.tlsDir}/ca.crt`,
        `--cert-file=${o.tlsDir}/tls.crt`,
        `--key-file=${o.tlsDir}/tls.key`,
        "--peer-client-cert-auth=true",
        `--peer-trusted-ca-file=${o.tlsDir}/ca.crt`,
        `--peer-cert-file=${o.tlsDir}/tls.crt`,
        `--peer-key-file=${o.tlsDir}/tls.key`,
        "--auto-compaction-mode=periodic",
        "--auto-compaction-retention=1h",
        `--quota-backend-bytes=${o.quotaBackendBytes}`,
        "--metrics=basic",
    ];
}

/** Idempotent script that creates the root user and enables auth (a re-run finds auth on and stops). */
export function enableAuthScript(): string {
    return [
        "set -eu",
        'if etcdctl --user "root:${ROOT_PASSWORD}" auth status 2>/dev/null | grep -q "Authentication Status: true"; then',
        '  echo "auth already enabled"; exit 0',
        "fi",
        'etcdctl user get root >/dev/null 2>&1 || etcdctl user add root --new-user-password="${ROOT_PASSWORD}"',
        "etcdctl user grant-role root root",
        "etcdctl auth enable",
    ].join("\n");
}

/** Snapshot script: save a timestamped snapshot, check it, keep the newest `retention`. */
export function backupScript(retention: number): string {
    return [
        "set -eu",
        'ts="$(date -u +%Y%m%dT%H%M%SZ)"',
        'etcdctl --user "root:${ROOT_PASSWORD}" snapshot save "/backups/snapshot-${ts}.db.part"',
        'mv "/backups/snapshot-${ts}.db.part" "/backups/snapshot-${ts}.db"',
        `ls -1t /backups/snapshot-*.db | tail -n +${retention + 1} | xargs -r rm -f --`,
        "ls -l /backups",
    ].join("\n");
}

/**
 * Upload script of the off-cluster copy: sends the newest snapshot of /backups to
 * `s3://$BUCKET_NAME/<prefix>/` on the object store at `$BUCKET_HOST:$BUCKET_PORT` (the bucket
 * claim's ConfigMap; its Secret gives the AWS_* keys), then keeps the newest `retention` there too
 * (the names sort by their UTC timestamps). Runs with the aws CLI.
 */
export function uploadScript(retention: number, prefix: string): string {
    return [
        "set -eu",
        's3() { aws --endpoint-url "http://${BUCKET_HOST}:${BUCKET_PORT}" s3 "$@"; }',
        'snap="$(ls -1t /backups/snapshot-*.db | head -n 1)"',
        `s3 cp "$snap" "s3://\${BUCKET_NAME}/${prefix}/$(basename "$snap")"`,
        `s3 ls "s3://\${BUCKET_NAME}/${prefix}/" | awk '{ print $4 }' | grep '^snapshot-.*\\.db$' | sort -r | tail -n +${retention + 1} | while read -r old; do`,
        `  s3 rm "s3://\${BUCKET_NAME}/${prefix}/$old"`,
        "done",
        `s3 ls "s3://\${BUCKET_NAME}/${prefix}/"`,
    ].join("\n");
}
