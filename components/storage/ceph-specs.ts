/** Pure renderers of the Rook/Ceph custom resource specs and CSI StorageClass parameters. */
import type * as k8s from "../core/k8s";
import { ResourceRequirements } from "../core/types";
import { toK8s } from "../core/resources";

/** Which disks become OSDs: a name filter on every node, or explicit nodes and devices. */
export interface CephDeviceSelection {
    /** Regular expression matched against device names on every node, e.g. `^sd[b-d]`. @default undefined */
    deviceFilter?: string;
    /** Explicit nodes and their devices (e.g. `sdb`, `/dev/disk/by-id/...`). @default [] */
    nodes?: { name: string; devices: string[] }[];
}

/** What `renderCephClusterSpec` needs. */
export interface CephClusterSpecOptions {
    /** Ceph image. */
    cephImage: string;
    /** Monitors (odd). */
    monCount: number;
    /** Managers (1 or 2). */
    mgrCount: number;
    /** Allow several mons/mgrs on one node (single-node dev clusters only). */
    allowMultiplePerNode: boolean;
    /** OSD devices. */
    devices: CephDeviceSelection;
    /** Ceph dashboard. */
    dashboard: boolean;
    /** Per-daemon resources. */
    resources: { mon: ResourceRequirements; mgr: ResourceRequirements; osd: ResourceRequirements };
    /**
     * Where every Ceph daemon runs (Rook's `placement.all`): the storage nodes' affinity and the
     * toleration of their NoSchedule taint. @default anywhere, tolerating nothing
     */
    placement?: { affinity?: k8s.types.input.core.v1.Affinity; tolerations?: k8s.types.input.core.v1.Toleration[] };
}

/** Validates the counts and device selection; returns the first problem naming the config field. */
export function validateCephOptions(o: { monCount: number; mgrCount: number; poolSize: number; devices: CephDeviceSelection }): string | undefined {
    if (!Number.isInteger(o.monCount) || o.monCount < 1 || o.monCount % 2 === 0 || o.monCount > 9) {
        return `storage.mon.count must be odd (got ${o.monCount}): use 1 for dev, 3 or 5 for HA so a majority of monitors survives a failure`;
    }
    if (!Number.isInteger(o.mgrCount) || o.mgrCount < 1 || o.mgrCount > 2) {
        return `storage.mgr.count must be 1 or 2 (got ${o.mgrCount})`;
    }
    if (!Number.isInteger(o.poolSize) || o.poolSize < 1 || o.poolSize > 7) {
        return `storage.replicas must be from 1 to 7 (got ${o.poolSize})`;
    }
    const nodes = o.devices.nodes ?? [];
    if (!o.devices.deviceFilter && nodes.length === 0) {
        return "storage.devices: set deviceFilter or nodes (the platform never consumes all devices of a node)";
    }
    if (o.devices.deviceFilter && nodes.length > 0) {
        return "storage.devices: set deviceFilter or nodes, not both";
    }
    if (o.devices.deviceFilter) {
        try {
            new RegExp(o.devices.deviceFilter);
        } catch {
            return `storage.devices.deviceFilter "${o.devices.deviceFilter}" is not a regular expression`;
        }
    }
    return undefined;
}


/** The CephCluster `spec`: pinned image, mon/mgr counts, explicit devices, dashboard and resources. */
export function renderCephClusterSpec(o: CephClusterSpecOptions): Record<string, unknown> {
    const nodes = o.devices.nodes ?? [];
    return {
        cephVersion: { image: o.cephImage, allowUnsupported: false },
        dataDirHostPath: "/var/lib/rook",
        mon: { count: o.monCount, allowMultiplePerNode: o.allowMultiplePerNode },
        mgr: {
            count: o.mgrCount,
            allowMultiplePerNode: o.allowMultiplePerNode,
            modules: [{ name: "pg_autoscaler", enabled: true }, { name: "rook", enabled: true }],
        },
        dashboard: { enabled: o.dashboard, ssl: true },
        monitoring: { enabled: false },
        crashCollector: { disable: false },
        storage: nodes.length > 0
            ? { useAllNodes: false, useAllDevices: false, nodes: nodes.map((n) => ({ name: n.name, devices: n.devices.map((d) => ({ name: d })) })) }
            : { useAllNodes: true, useAllDevices: false, deviceFilter: o.devices.deviceFilter },
        resources: { mon: toK8s(o.resources.mon), mgr: toK8s(o.resources.mgr), osd: toK8s(o.resources.osd) },
        ...(o.placement ? { placement: { all: { ...o.placement.affinity, tolerations: o.placement.tolerations ?? [] } } } : {}),
        priorityClassNames: { mon: "system-node-critical", osd: "system-node-critical", mgr: "system-cluster-critical" },
        disruptionManagement: { managePodBudgets: true },
    };
}

/** A replicated pool spec with `host` as the failure domain (each copy on a different node). */
export function renderReplicatedPool(size: number): Record<string, unknown> {
    return {
        failureDomain: "host",
        replicated: { size, requireSafeReplicaSize: size > 1 },
    };
}

/** CephFilesystem `spec` with one replicated data pool named `replicated`. */
export function renderFilesystemSpec(size: number, ha: boolean): Record<string, unknown> {
    return {
        metadataPool: { replicated: { size, requireSafeReplicaSize: size > 1 } },
        dataPools: [{ name: "replicated", ...renderReplicatedPool(size) }],
        preserveFilesystemOnDelete: ha,
        metadataServer: { activeCount: 1, activeStandby: ha },
    };
}

/** CephObjectStore (RGW) `spec`. */
export function renderObjectStoreSpec(size: number, ha: boolean, port: number): Record<string, unknown> {
    return {
        metadataPool: renderReplicatedPool(size),
        dataPool: renderReplicatedPool(size),
        preservePoolsOnDelete: ha,
        gateway: { port, instances: ha ? 2 : 1 },
    };
}

/** Parameters of the RBD (block) StorageClass. */
export function rbdStorageClassParameters(clusterNamespace: string, pool: string): Record<string, string> {
    return {
        clusterID: clusterNamespace,
        pool,
        imageFormat: "2",
        imageFeatures: "layering",
        "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
        "csi.storage.k8s.io/provisioner-secret-namespace": clusterNamespace,
        "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
        "csi.storage.k8s.io/controller-expand-secret-namespace": clusterNamespace,
        "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
        "csi.storage.k8s.io/node-stage-secret-namespace": clusterNamespace,
        "csi.storage.k8s.io/fstype": "ext4",
    };
}

/** Parameters of the CephFS (RWX) StorageClass. */
export function cephfsStorageClassParameters(clusterNamespace: string, fsName: string): Record<string, string> {
    return {
        clusterID: clusterNamespace,
        fsName,
        pool: `${fsName}-replicated`,
        "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-cephfs-provisioner",
        "csi.storage.k8s.io/provisioner-secret-namespace": clusterNamespace,
        "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-cephfs-provisioner",
        "csi.storage.k8s.io/controller-expand-secret-namespace": clusterNamespace,
        "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-cephfs-node",
        "csi.storage.k8s.io/node-stage-secret-namespace": clusterNamespace,
    };
}

/** One CRD a Rook deployment uses. */
export interface CrdInfo {
    /** API group. */
    group: string;
    /** Version served and stored. */
    version: string;
    /** Kind. */
    kind: string;
    /** Plural resource name. */
    plural: string;
    /** Scope. */
    scope: "Namespaced" | "Cluster";
    /**
     * For groups under `k8s.io` the API server demands an `api-approved.kubernetes.io` annotation
     * naming where the API was approved. @default none
     */
    approval?: string;
}

/** The CRDs of the custom resources RookCeph and Registry create. */
export const ROOK_CRDS: readonly CrdInfo[] = [
    { group: "ceph.rook.io", version: "v1", kind: "CephCluster", plural: "cephclusters", scope: "Namespaced" },
    { group: "ceph.rook.io", version: "v1", kind: "CephBlockPool", plural: "cephblockpools", scope: "Namespaced" },
    { group: "ceph.rook.io", version: "v1", kind: "CephFilesystem", plural: "cephfilesystems", scope: "Namespaced" },
    { group: "ceph.rook.io", version: "v1", kind: "CephObjectStore", plural: "cephobjectstores", scope: "Namespaced" },
    { group: "objectbucket.io", version: "v1alpha1", kind: "ObjectBucketClaim", plural: "objectbucketclaims", scope: "Namespaced" },
    { group: "objectbucket.io", version: "v1alpha1", kind: "ObjectBucket", plural: "objectbuckets", scope: "Cluster" },
];

/** CRDs from the CSI external-snapshotter (not shipped by the Rook chart). */
export const SNAPSHOT_CRDS: readonly CrdInfo[] = [
    {
        group: "snapshot.storage.k8s.io", version: "v1", kind: "VolumeSnapshotClass", plural: "volumesnapshotclasses", scope: "Cluster",
        approval: "https://github.com/kubernetes-csi/external-snapshotter/pull/419",
    },
];

/**
 * A minimal CRD manifest: accepts any spec (`x-kubernetes-preserve-unknown-fields`) and has a
 * status subresource, so an API server without the operator stores the custom resources.
 */
export function minimalCrd(c: CrdInfo): Record<string, any> {
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: {
            name: `${c.plural}.${c.group}`,
            ...(c.approval ? { annotations: { "api-approved.kubernetes.io": c.approval } } : {}),
        },
        spec: {
            group: c.group,
            names: { kind: c.kind, listKind: `${c.kind}List`, plural: c.plural, singular: c.kind.toLowerCase() },
            scope: c.scope,
            versions: [{
                name: c.version,
                served: true,
                storage: true,
                subresources: { status: {} },
                schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            }],
        },
    };
}
