/**
 * `npm run etcd-restore -- [--namespace etcd] [--snapshot latest|snapshot-<ts>.db] [--kubeconfig FILE]`:
 * restores the platform's etcd (or any `EtcdCluster`) from a snapshot of its backup CronJob, every
 * member from the same file as one new cluster (scripts/lib/etcd-restore.ts, docs/etcd-restore.md).
 * The kubeconfig defaults to $KUBECONFIG, then the local cluster's.
 */
import { parseArgs } from "node:util";
import { KUBECONFIG } from "./lib/local-cluster";
import { restoreEtcd } from "./lib/etcd-restore";
import { say } from "./lib/log";

const { values } = parseArgs({
    options: {
        namespace: { type: "string", default: "etcd" },
        snapshot: { type: "string", default: "latest" },
        kubeconfig: { type: "string" },
    },
});

try {
    const kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG ?? KUBECONFIG;
    const r = restoreEtcd({ namespace: values.namespace, snapshot: values.snapshot, cluster: { kubeconfig } });
    say("etcd-restore", `restored ${r.members.join(", ")} from ${r.snapshot} (cluster token ${r.token})`);
} catch (err) {
    console.error((err as Error).message);
    process.exit(1);
}
