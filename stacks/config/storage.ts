/** Stack config section `storage`: Rook/Ceph. */
import * as z from "zod";
import { Section } from "./profile";
import { dnsLabel } from "../../components/core/validators";

const operatorSchema = z.discriminatedUnion("mode", [
    z.strictObject({
        mode: z.literal("helm"),
        /** Chart version. @default the pinned ROOK_CHART_VERSION */
        chartVersion: z.string().min(1).optional(),
        /** Chart repository (a mirror for offline sites). @default the Rook release repository */
        chartRepo: z.string().url().optional(),
    }),
    /** Installed elsewhere with its CRDs; the platform creates none of Rook's. */
    z.strictObject({ mode: z.literal("external") }),
    /** No operator (the local cluster): minimal CRDs so the API server accepts the custom resources. */
    z.strictObject({ mode: z.literal("none") }),
]);

/** Schema of the `containercloud:storage` key. */
export const storageSchema = z.strictObject({
    /** Deploy Rook/Ceph; when off, `classes` name the cluster's own StorageClasses. */
    enabled: z.boolean(),
    /** Operator installed here with Helm, elsewhere with its CRDs, or none at all (local). */
    operator: operatorSchema,
    /** Create the VolumeSnapshotClass CRD (a cluster without the CSI snapshotter's CRDs). */
    installCrds: z.boolean().default(false),
    /** Namespace of the Ceph cluster (and operator). */
    namespace: dnsLabel.default("rook-ceph"),
    /** Monitors. The component rejects an even count (`storage.mon.count`). */
    mon: z.strictObject({ count: z.int().positive() }),
    /** Managers. */
    mgr: z.strictObject({ count: z.int().min(1).max(2) }),
    /** Replicas of every pool. */
    replicas: z.int().min(1).max(7),
    /** Several mons/mgrs per node (single-node clusters). */
    allowMultiplePerNode: z.boolean(),
    /** Disks that become OSDs: a name filter, or explicit nodes and devices. */
    devices: z.strictObject({
        deviceFilter: z.string().min(1).optional(),
        nodes: z.array(z.strictObject({ name: z.string().min(1), devices: z.array(z.string().min(1)).min(1) })).optional(),
    }),
    /** Reclaim policy of the StorageClasses. */
    reclaimPolicy: z.enum(["Delete", "Retain"]),
    /** StorageClass names (created by Rook, or the cluster's own when storage is off). */
    classes: z.strictObject({
        block: z.string().min(1).default("ceph-block"),
        filesystem: z.string().min(1).default("ceph-filesystem"),
        bucket: z.string().min(1).default("ceph-bucket"),
    }).default({ block: "ceph-block", filesystem: "ceph-filesystem", bucket: "ceph-bucket" }),
});

/** Per-environment defaults of `containercloud:storage`: dev is one small copy, prod keeps three. */
export const storageSection: Section<typeof storageSchema> = {
    schema: storageSchema,
    profiles: {
        local: {
            enabled: true, operator: { mode: "none" }, installCrds: true, mon: { count: 1 }, mgr: { count: 1 },
            replicas: 1, allowMultiplePerNode: true, devices: { deviceFilter: "^vd[b-z]" }, reclaimPolicy: "Delete",
        },
        dev: {
            enabled: true, operator: { mode: "helm" }, mon: { count: 1 }, mgr: { count: 1 },
            replicas: 1, allowMultiplePerNode: true, devices: { deviceFilter: "^sd[b-z]" }, reclaimPolicy: "Delete",
        },
        staging: {
            enabled: true, operator: { mode: "helm" }, mon: { count: 3 }, mgr: { count: 2 },
            replicas: 3, allowMultiplePerNode: false, devices: { deviceFilter: "^sd[b-z]" }, reclaimPolicy: "Retain",
        },
        prod: {
            enabled: true, operator: { mode: "helm" }, mon: { count: 3 }, mgr: { count: 2 },
            replicas: 3, allowMultiplePerNode: false, devices: { deviceFilter: "^sd[b-z]" }, reclaimPolicy: "Retain",
        },
    },
};
