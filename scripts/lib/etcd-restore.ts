/**
 * Restores an `EtcdCluster` from a snapshot of its backup PVC, the steps of docs/etcd-restore.md as
 * one command (`npm run etcd-restore`): check the snapshot, stop the members, restore every member's
 * data directory from it as one new cluster, start the members, and wait for them Ready. The pods
 * are components/etcd/etcd-restore.ts's; the members' list is the `etcd-bootstrap` ConfigMap's.
 */
import { ClusterRef, kubectl } from "./kubectl";
import { say } from "./log";
import { memberRestorePod, parseInitialCluster, snapshotCheckPod } from "../../components/etcd/etcd-restore";
import { BOOTSTRAP_KEY } from "../../components/etcd/etcd-members";

/** Options of `restoreEtcd`. */
export interface EtcdRestoreOptions {
    /** Namespace of the etcd cluster. @default "etcd" */
    namespace?: string;
    /** Snapshot file in the etcd-backups PVC, or `latest`. @default "latest" */
    snapshot?: string;
    /** The cluster. */
    cluster: ClusterRef;
    /** Seconds to wait for each step. @default 300 */
    timeoutSeconds?: number;
}

/** What a restore did. */
export interface EtcdRestoreResult {
    /** The snapshot file restored. */
    snapshot: string;
    /** Members restored, in order. */
    members: string[];
    /** The new cluster token. */
    token: string;
}

const STS = "etcd";
const BOOTSTRAP_CONFIGMAP = "etcd-bootstrap";

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs a restore pod to completion and returns its logs; throws with them when it fails. */
function runPod(pod: Record<string, unknown>, ns: string, cluster: ClusterRef, timeoutSeconds: number): string {
    const name = (pod.metadata as { name: string }).name;
    const k = (args: string[], input?: string) => kubectl(args, input, cluster);
    k(["delete", "pod", "-n", ns, name, "--ignore-not-found", "--wait=true"]);
    const created = k(["create", "-f", "-"], JSON.stringify(pod));
    if (created.code !== 0) {
        throw new Error(`etcd-restore: could not create pod ${ns}/${name}: ${created.stderr}`);
    }
    const deadline = Date.now() + timeoutSeconds * 1000;
    let phase = "";
    while (Date.now() < deadline) {
        phase = k(["get", "pod", "-n", ns, name, "-o", "jsonpath={.status.phase}"]).stdout.trim();
        if (phase === "Succeeded" || phase === "Failed") {
            break;
        }
        sleep(1000);
    }
    const logs = k(["logs", "-n", ns, name, "-c", "restore"]).stdout;
    k(["delete", "pod", "-n", ns, name, "--wait=false"]);
    if (phase !== "Succeeded") {
        throw new Error(`etcd-restore: pod ${ns}/${name} ended ${phase || "without a phase"} after at most ${timeoutSeconds}s:\n${logs}`);
    }
    return logs;
}

/** Restores every member of the etcd cluster in `namespace` from one snapshot; see the module doc. */
export function restoreEtcd(o: EtcdRestoreOptions): EtcdRestoreResult {
    const ns = o.namespace ?? "etcd";
    const timeout = o.timeoutSeconds ?? 300;
    const k = (args: string[]) => kubectl(args, undefined, o.cluster);
    const must = (args: string[]) => {
        const r = k(args);
        if (r.code !== 0) {
            throw new Error(`etcd-restore: kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
        }
        return r.stdout;
    };

    const sts = JSON.parse(must(["get", "statefulset", "-n", ns, STS, "-o", "json"]));
    const replicas: number = sts.spec.replicas;
    const pod = sts.spec.template.spec;
    const images = {
        etcd: pod.containers.find((c: { name: string }) => c.name === "etcd").image as string,
        busybox: pod.initContainers.find((c: { name: string }) => c.name === "copy-shell").image as string,
    };
    const initialCluster = JSON.parse(must(["get", "configmap", "-n", ns, BOOTSTRAP_CONFIGMAP, "-o", "json"])).data[BOOTSTRAP_KEY] as string;
    const members = parseInitialCluster(initialCluster);
    if (members.length !== replicas) {
        throw new Error(`etcd-restore: the ${BOOTSTRAP_CONFIGMAP} ConfigMap lists ${members.length} members but the StatefulSet has ${replicas}: run \`pulumi up\` (it sets both from etcd.replicas), then restore`);
    }

    const check = runPod(snapshotCheckPod("etcd-restore-check", ns, images, o.snapshot ?? "latest"), ns, o.cluster, timeout);
    const snapshot = /^snapshot: (\S+)$/m.exec(check)?.[1];
    if (!snapshot) {
        throw new Error(`etcd-restore: the check pod named no snapshot:\n${check}`);
    }
    say("etcd-restore", `snapshot ${snapshot} checked:\n${check.trim()}`);

    // The members' PVCs are deleted on a scale-down (whenScaled: Delete, so a removed member's
    // volume goes): keep them through this scale to 0, and put the policy back once all are up. A
    // failed restore leaves Retain in place, so nothing deletes the volumes; `pulumi up` resets it.
    const retention = sts.spec.persistentVolumeClaimRetentionPolicy ?? {};
    must(["patch", "statefulset", "-n", ns, STS, "--type=merge", "-p", JSON.stringify({ spec: { persistentVolumeClaimRetentionPolicy: { ...retention, whenScaled: "Retain" } } })]);
    say("etcd-restore", `stopping the ${replicas} members of ${ns}/${STS} (their PVCs kept)`);
    must(["scale", "statefulset", "-n", ns, STS, "--replicas=0"]);
    const selector = Object.entries(sts.spec.selector.matchLabels as Record<string, string>).map(([key, v]) => `${key}=${v}`).join(",");
    const stopBy = Date.now() + timeout * 1000;
    while (must(["get", "pods", "-n", ns, "-l", selector, "-o", "name"]).trim() !== "") {
        if (Date.now() > stopBy) {
            throw new Error(`etcd-restore: the members of ${ns}/${STS} did not stop within ${timeout}s`);
        }
        sleep(1000);
    }

    const token = `${ns}-etcd-restored-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase()}`;
    for (const member of members) {
        const logs = runPod(memberRestorePod(`etcd-restore-${member.name}`, ns, images, { member, snapshot, initialCluster, token }), ns, o.cluster, timeout);
        say("etcd-restore", logs.trim().split("\n").pop() ?? "");
    }

    say("etcd-restore", `starting ${replicas} members from the restored data`);
    must(["scale", "statefulset", "-n", ns, STS, `--replicas=${replicas}`]);
    must(["rollout", "status", "statefulset", "-n", ns, STS, `--timeout=${timeout}s`]);
    must(["patch", "statefulset", "-n", ns, STS, "--type=merge", "-p", JSON.stringify({ spec: { persistentVolumeClaimRetentionPolicy: retention } })]);
    return { snapshot, members: members.map((m) => m.name), token };
}
