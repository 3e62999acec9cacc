/**
 * The pods of a restore from a snapshot (`npm run etcd-restore`, scripts/lib/etcd-restore.ts), as
 * pure functions: one that picks and checks the snapshot on the backup PVC, and one per member that
 * replaces the member's data directory with `etcdutl snapshot restore`. Every member is restored
 * from the same snapshot as one new cluster (a new cluster token), as etcd's disaster-recovery
 * guide asks; the members then start from the restored directories (etcd-membership.ts).
 */
import { ETCD_POD_SECURITY, ETCD_CONTAINER_SECURITY, ScriptImages, copyShell, jobResources, shellCommand, shellMount, shellVolume } from "./etcd-jobs";
import { MEMBER_DATA_DIR } from "./etcd-membership";
import { toK8s } from "../core/resources";

/** Name of the backup PVC the snapshot CronJob writes to. */
export const BACKUP_CLAIM = "etcd-backups";

/** Script that resolves SNAPSHOT (`latest` or a file name under /backups), checks it, and prints `snapshot: <file>`. */
export function snapshotCheckScript(): string {
    return [
        "set -eu",
        'snap="$SNAPSHOT"',
        'if [ "$snap" = latest ]; then snap="$(ls -1t /backups/snapshot-*.db 2>/dev/null | head -n 1 | xargs -r basename)"; fi',
        'if [ -z "$snap" ] || [ ! -f "/backups/$snap" ]; then echo "no snapshot ${SNAPSHOT} in the etcd-backups PVC; its files:" >&2; ls -l /backups >&2; exit 1; fi',
        'etcdutl snapshot status "/backups/$snap" -w table',
        'echo "snapshot: $snap"',
    ].join("\n");
}

/** Script that replaces MEMBER's data directory with SNAPSHOT's keyspace, as a member of INITIAL_CLUSTER. */
export function memberRestoreScript(): string {
    return [
        "set -eu",
        `rm -rf ${MEMBER_DATA_DIR}`,
        `etcdutl snapshot restore "/backups/$SNAPSHOT" --name "$MEMBER" --data-dir ${MEMBER_DATA_DIR} \\`,
        '  --initial-cluster "$INITIAL_CLUSTER" --initial-cluster-token "$TOKEN" --initial-advertise-peer-urls "$PEER_URL"',
        'echo "restored ${MEMBER} from ${SNAPSHOT}"',
    ].join("\n");
}

/** What a restore pod is for. */
export interface RestorePodOptions {
    /** Pod name. */
    name: string;
    /** Namespace of the etcd cluster. */
    namespace: string;
    /** etcd and busybox images (the StatefulSet's). */
    images: ScriptImages;
    /** Environment of the script. */
    env: Record<string, string>;
    /** The member PVC to restore into (`data-etcd-<i>`); none for the check. */
    dataClaim?: string;
}

function restorePod(o: RestorePodOptions, script: string): Record<string, unknown> {
    const mounts = [{ name: "backups", mountPath: "/backups", readOnly: true }, shellMount];
    const volumes: Record<string, unknown>[] = [{ name: "backups", persistentVolumeClaim: { claimName: BACKUP_CLAIM, readOnly: true } }, shellVolume];
    if (o.dataClaim) {
        mounts.push({ name: "data", mountPath: "/var/run/etcd", readOnly: false });
        volumes.push({ name: "data", persistentVolumeClaim: { claimName: o.dataClaim } });
    }
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: o.name, namespace: o.namespace, labels: { "app.kubernetes.io/name": "etcd", "app.kubernetes.io/component": "restore" } },
        spec: {
            restartPolicy: "Never",
            securityContext: ETCD_POD_SECURITY,
            initContainers: [copyShell(o.images.busybox)],
            containers: [{
                name: "restore",
                image: o.images.etcd,
                command: shellCommand(script),
                env: Object.entries(o.env).map(([name, value]) => ({ name, value })),
                resources: toK8s(jobResources),
                securityContext: ETCD_CONTAINER_SECURITY,
                volumeMounts: mounts,
            }],
            volumes,
        },
    };
}

/** The pod that picks `snapshot` (`latest` or a file name) on the backup PVC and checks it. */
export function snapshotCheckPod(name: string, namespace: string, images: ScriptImages, snapshot: string): Record<string, unknown> {
    return restorePod({ name, namespace, images, env: { SNAPSHOT: snapshot } }, snapshotCheckScript());
}

/** One member of the restored cluster. */
export interface RestoredMember {
    /** Member name (`etcd-<i>`). */
    name: string;
    /** Its peer URL. */
    peerUrl: string;
}

/** The pod that restores `member`'s PVC `data-<member>` from `snapshot`. */
export function memberRestorePod(
    name: string, namespace: string, images: ScriptImages,
    o: { member: RestoredMember; snapshot: string; initialCluster: string; token: string },
): Record<string, unknown> {
    return restorePod({
        name, namespace, images, dataClaim: `data-${o.member.name}`,
        env: { SNAPSHOT: o.snapshot, MEMBER: o.member.name, PEER_URL: o.member.peerUrl, INITIAL_CLUSTER: o.initialCluster, TOKEN: o.token },
    }, memberRestoreScript());
}

/** Parses an `--initial-cluster` value into its members. */
export function parseInitialCluster(value: string): RestoredMember[] {
    return value.split(",").filter(Boolean).map((entry) => {
        const at = entry.indexOf("=");
        return { name: entry.slice(0, at), peerUrl: entry.slice(at + 1) };
    });
}
