/** Stack config section `etcd`: the platform's etcd cluster. */
import * as z from "zod";
import { Section, oddCount } from "./profile";
import { byteQuantity, cronScheduleString, dnsLabel } from "../../components/core/validators";

/** Schema of the `containercloud:etcd` key. */
export const etcdSchema = z.strictObject({
    /** Deploy the etcd cluster. */
    enabled: z.boolean(),
    /** Members (odd: 1 for dev, 3 or 5 for HA). */
    replicas: oddCount("etcd.replicas"),
    /** Namespace. */
    namespace: dnsLabel.default("etcd"),
    /** Size of each member's data volume. */
    storageSize: byteQuantity.default("10Gi"),
    /** StorageClass of the data volumes. @default the block class of storage (or the cluster default when storage is off) */
    storageClass: z.string().min(1).optional(),
    /** Snapshot backups to a PVC, and off the cluster to the object store. */
    backup: z.strictObject({
        enabled: z.boolean().default(true),
        /** Cron schedule. */
        schedule: cronScheduleString.default("0 */6 * * *"),
        /** Snapshots kept. */
        retention: z.int().min(1).max(100).default(7),
        /** Backup PVC size. */
        size: byteQuantity.default("10Gi"),
        /** Also send each snapshot off the cluster, to a bucket of the Ceph object store (S3, an ObjectBucketClaim on storage's bucket class); needs storage.enabled. The local cluster has no object store. */
        objectStore: z.boolean().default(false),
    }).default({ enabled: true, schedule: "0 */6 * * *", retention: 7, size: "10Gi", objectStore: false }),
    /** Cron schedule of `etcdctl defrag --cluster`. */
    defragSchedule: cronScheduleString.default("30 3 * * 0"),
    /** Members on different nodes strictly (required) or best effort. @default required in staging/prod, preferred elsewhere */
    antiAffinity: z.enum(["required", "preferred"]).optional(),
});

/** Per-environment defaults of `containercloud:etcd`. */
export const etcdSection: Section<typeof etcdSchema> = {
    schema: etcdSchema,
    profiles: {
        local: { enabled: true, replicas: 1, storageSize: "1Gi", backup: { retention: 2, size: "1Gi" } },
        dev: { enabled: true, replicas: 1, storageSize: "2Gi", backup: { retention: 3, size: "2Gi" } },
        staging: { enabled: true, replicas: 3, backup: { objectStore: true } },
        prod: { enabled: true, replicas: 3, storageSize: "20Gi", backup: { schedule: "0 */2 * * *", retention: 24, size: "50Gi", objectStore: true } },
    },
};
