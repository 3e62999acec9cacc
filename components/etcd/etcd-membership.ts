/**
 * Membership across the cluster's life, as pure shell scripts: how a member starts (bootstrap a new
 * cluster, join a running one, rejoin after its volume was lost, or restart from its data) and how
 * members above the declared count leave the member list after a scale-down.
 *
 * This is what etcd's runtime-reconfiguration guide asks for (`member add` before a new member
 * starts with `--initial-cluster-state=existing`; `member remove` for one that goes), the way the
 * well-kept StatefulSet charts script it: the member's own start script does the joining, and a
 * reconciling Job does the removing. There is no preStop hook that removes the member: rolling
 * updates and node drains stop pods routinely, and each would become a membership change.
 *
 * The scripts run in the distroless etcd image with the borrowed busybox shell (etcd-jobs.ts).
 */
import { ETCD_PORTS, EtcdTopology } from "./etcd-config";

/** Where a member's TLS files (server certificate, also a client certificate) are mounted. */
export const MEMBER_TLS_DIR = "/etc/etcd/tls";
/** A member's data directory (on its PVC, mounted at /var/run/etcd). */
export const MEMBER_DATA_DIR = "/var/run/etcd/default.etcd";

/** The peer URL of member `$POD_NAME`, as shell text. */
function selfPeerUrl(t: EtcdTopology): string {
    return `https://\${POD_NAME}.${t.peerService}.${t.namespace}.svc.${t.clusterDomain}:${ETCD_PORTS.peer}`;
}

/**
 * The awk program that turns `etcdctl member list -w simple` lines (`id, status, name, peer URLs,
 * client URLs, is learner`) into an `--initial-cluster` value. A member that has not started yet
 * has no name; its name is the first label of its peer URL's host (`etcd-3`), as the StatefulSet
 * names it; `me` names the member whose peer URL is `self`.
 */
const INITIAL_CLUSTER_AWK = [
    "{ n = $3; h = $4; sub(/^https:\\/\\//, \"\", h); split(h, p, \".\")",
    "  if ($4 == self) n = me",
    "  if (n == \"\") n = p[1]",
    "  printf \"%s%s=%s\", sep, n, $4; sep = \",\" }",
].join("\n");

/**
 * The member's start script; `"$@"` are the static flags (`etcdFlags`). Cases, in order:
 * - a WAL in the data directory: a restart (or a restored member): etcd ignores every
 *   `--initial-cluster*` flag, so start as is;
 * - no running cluster answers on the other members' client URLs (BOOTSTRAP_CLUSTER, the
 *   declared members): the first start of a new cluster, so bootstrap with `new`;
 * - the member list names this member as started, but its data directory is empty: its volume
 *   was lost; remove the old entry, then join as below;
 * - otherwise join: `member add` (unless its peer URL is listed already, as for a member added
 *   before a crash, or one of the first members that was late), then start with `existing` and the
 *   member list as the initial cluster.
 * Needs POD_NAME, BOOTSTRAP_CLUSTER and ROOT_PASSWORD in the environment. `paths` default to the
 * member pod's (MEMBER_DATA_DIR, MEMBER_TLS_DIR).
 */
export function memberStartScript(t: EtcdTopology, paths: { dataDir?: string; tlsDir?: string } = {}): string {
    const clientPort = ETCD_PORTS.client;
    const tls = paths.tlsDir ?? MEMBER_TLS_DIR;
    return [
        "set -eu",
        `data=${paths.dataDir ?? MEMBER_DATA_DIR}`,
        `self="${selfPeerUrl(t)}"`,
        "if ls \"$data\"/member/wal/*.wal >/dev/null 2>&1; then",
        "  echo \"etcd-start: data directory found, starting ${POD_NAME} from it\"",
        "  exec etcd \"$@\"",
        "fi",
        // a directory without a WAL is what an aborted join leaves: nothing in it is worth keeping
        "rm -rf \"$data\"",
        `peers="$(printf '%s' "$BOOTSTRAP_CLUSTER" | awk -v RS=, -F= -v me="$POD_NAME" '$1 != me { sub(/:${ETCD_PORTS.peer}$/, ":${clientPort}", $2); printf "%s%s", s, $2; s = "," }')"`,
        "ctl() {",
        `  etcdctl --endpoints="$peers" --cacert=${tls}/ca.crt --cert=${tls}/tls.crt --key=${tls}/tls.key \\`,
        "    --user=\"root:${ROOT_PASSWORD}\" --dial-timeout=2s --command-timeout=5s \"$@\"",
        "}",
        "list=\"\"",
        "if [ -n \"$peers\" ]; then",
        "  for attempt in 1 2 3; do",
        "    if list=\"$(ctl member list -w simple 2>/dev/null)\"; then break; fi",
        "    list=\"\"; sleep 2",
        "  done",
        "fi",
        "if [ -z \"$list\" ]; then",
        "  echo \"etcd-start: no running cluster answers: ${POD_NAME} bootstraps a new one\"",
        "  exec etcd \"$@\" --initial-cluster=\"$BOOTSTRAP_CLUSTER\" --initial-cluster-state=new",
        "fi",
        "old=\"$(printf '%s\\n' \"$list\" | awk -F', ' -v self=\"$self\" -v me=\"$POD_NAME\" '$4 == self && $3 == me { print $1 }')\"",
        "if [ -n \"$old\" ]; then",
        "  echo \"etcd-start: ${POD_NAME} is member ${old} but its data directory is empty (volume lost): removing it to rejoin\"",
        "  ctl member remove \"$old\"",
        "fi",
        "tries=0",
        "until ctl member list -w simple | grep -qF \", ${self}, \"; do",
        "  tries=$((tries + 1))",
        "  if [ \"$tries\" -gt 20 ]; then echo \"etcd-start: member add of ${POD_NAME} refused 20 times\" >&2; exit 1; fi",
        // a second add before the first joiner started is refused while it would risk quorum: wait
        "  ctl member add \"$POD_NAME\" --peer-urls=\"$self\" || sleep 3",
        "done",
        // read again until it names this member: a read right after a membership change can time out
        "cluster=\"\"",
        "for attempt in 1 2 3 4 5 6 7 8 9 10; do",
        `  cluster="$(ctl member list -w simple | awk -F', ' -v self="$self" -v me="$POD_NAME" '${INITIAL_CLUSTER_AWK}')" || cluster=""`,
        "  case \",${cluster},\" in *\"=${self},\"*) break ;; esac",
        "  cluster=\"\"; sleep 2",
        "done",
        "if [ -z \"$cluster\" ]; then echo \"etcd-start: could not read the member list that names ${POD_NAME}\" >&2; exit 1; fi",
        "echo \"etcd-start: ${POD_NAME} joins the running cluster: ${cluster}\"",
        "exec etcd \"$@\" --initial-cluster=\"$cluster\" --initial-cluster-state=existing",
    ].join("\n");
}

/**
 * The reconciling step after a scale-down: removes every member whose ordinal (from its peer URL's
 * host, `etcd-<ordinal>`) is at or above REPLICAS, so quorum is counted over the members that
 * exist. Needs ETCDCTL_* (etcd-jobs.ts) and ROOT_PASSWORD; prints the member list it leaves.
 */
export function removeMembersScript(t: EtcdTopology): string {
    return [
        "set -eu",
        "ctl() { etcdctl --user=\"root:${ROOT_PASSWORD}\" --command-timeout=15s \"$@\"; }",
        "list=\"$(ctl member list -w simple)\"",
        `gone="$(printf '%s\\n' "$list" | awk -F', ' -v r="$REPLICAS" '{ h = $4; sub(/^https:\\/\\//, "", h); split(h, p, "."); o = p[1]; if (sub(/^${t.statefulSet}-/, "", o) && o ~ /^[0-9]+$/ && o + 0 >= r) print $1 }')"`,
        "for id in $gone; do",
        "  echo \"removing member ${id}: its ordinal is at or above etcd.replicas (${REPLICAS})\"",
        "  ctl member remove \"$id\"",
        "done",
        "ctl member list -w table",
    ].join("\n");
}
