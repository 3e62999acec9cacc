/**
 * Ceph on Kubernetes through Rook: the founding design's storage manager. Gives the platform a
 * default RWO block class (RBD), an RWX filesystem class (CephFS), S3 buckets (RGW) and snapshots.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8sPackage from "@pulumi/kubernetes";
import * as k8s from "../core/k8s";
import { CommonArgs, Environment, ResourceRequirements, isHighlyAvailable } from "../core/types";
import { standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { rolePlacement } from "../app-engine/workload";
import { resources } from "../core/resources";
import {
    CEPH_CSI_IMAGE, CEPH_IMAGE, CSI_ADDONS_IMAGE, CSI_ATTACHER_IMAGE, CSI_NODE_DRIVER_REGISTRAR_IMAGE, CSI_PROVISIONER_IMAGE,
    CSI_RESIZER_IMAGE, CSI_SNAPSHOTTER_IMAGE, ROOK_CHART_REPO, ROOK_CHART_VERSION, ROOK_CSI_OPERATOR_IMAGE, ROOK_OPERATOR_IMAGE,
} from "../versions";
import {
    CephDeviceSelection, CrdInfo, ROOK_CRDS, SNAPSHOT_CRDS, cephfsStorageClassParameters, minimalCrd, rbdStorageClassParameters,
    renderCephClusterSpec, renderFilesystemSpec, renderObjectStoreSpec, renderReplicatedPool, validateCephOptions,
} from "./ceph-specs";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** The Rook operator installed here with Helm. */
export interface HelmOperator {
    mode: "helm";
    /**
     * Chart version. The CSI images stay at the pins of ROOK_CHART_VERSION (components/versions.ts):
     * a different chart version may need others. @default ROOK_CHART_VERSION
     */
    chartVersion?: string;
    /** Chart repository URL (a mirror for offline sites). @default ROOK_CHART_REPO */
    chartRepo?: string;
    /** Operator image, e.g. a mirrored copy. @default ROOK_OPERATOR_IMAGE (rewritten by `imageMirror`) */
    image?: string;
}

/**
 * The Rook operator is installed and upgraded elsewhere, with its CRDs (Rook's chart or manifests);
 * only the custom resources are created here.
 */
export interface ExternalOperator {
    mode: "external";
}

/**
 * No operator runs on this cluster (the local one: Rook cannot be built here). Minimal CRDs of Rook's
 * kinds are created so the API server accepts the custom resources; nothing acts on them.
 */
export interface NoOperator {
    mode: "none";
}

/**
 * What `RookCeph` takes where its args leave a value out, per environment: staging and prod are
 * highly available. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal.
 */
export function rookCephDefaults(env: Environment): { monCount: number; mgrCount: number; allowMultiplePerNode: boolean; replicas: number; reclaimPolicy: "Delete" | "Retain" } {
    const ha = isHighlyAvailable(env);
    return { monCount: ha ? 3 : 1, mgrCount: ha ? 2 : 1, allowMultiplePerNode: !ha, replicas: ha ? 3 : 1, reclaimPolicy: ha ? "Retain" : "Delete" };
}

/** Arguments of `RookCeph`. */
export interface RookCephArgs extends CommonArgs {
    /** How the operator gets there. @default { mode: "helm" } */
    operator?: HelmOperator | ExternalOperator | NoOperator;
    /**
     * Create a minimal VolumeSnapshotClass CRD, for a cluster without the CSI external-snapshotter's
     * CRDs (no Rook install ships it). Rook's own CRDs come with its chart (`helm`), with its install
     * elsewhere (`external`, so the platform never creates a second owner of them) or, with `none`,
     * from here. Every CRD created here is kept on delete: deleting a CRD deletes every object of its
     * kind in the cluster.
     * @default false
     */
    installCrds?: boolean;
    /** Namespace of the operator (and of the CSI secrets' provisioner names). @default "rook-ceph" */
    operatorNamespace?: string;
    /** Namespace of the Ceph cluster (created, Pod Security `privileged`). @default "rook-ceph" */
    namespace?: string;
    /** Monitors; odd. @default 3 in staging/prod, 1 elsewhere */
    monCount?: number;
    /** Managers. @default 2 in staging/prod, 1 elsewhere */
    mgrCount?: number;
    /** Allow several mons/mgrs per node. @default true in local/dev, false in staging/prod */
    allowMultiplePerNode?: boolean;
    /** Replicas of every pool (block, filesystem, object). @default 3 in staging/prod, 1 elsewhere */
    replicas?: number;
    /** Disks that become OSDs. */
    devices: CephDeviceSelection;
    /** Ceph image. @default CEPH_IMAGE */
    cephImage?: string;
    /** Ceph dashboard. @default true */
    dashboard?: boolean;
    /**
     * Node role (the `containercloud.io/node-role` label) of the nodes the Ceph daemons run on; they
     * tolerate its NoSchedule taint. In staging/prod they must run there (OSDs use only those nodes'
     * disks); elsewhere they prefer them (a small cluster may label no storage node). @default "storage"
     */
    nodeRole?: string;
    /** Reclaim policy of the StorageClasses. @default "Retain" in staging/prod, "Delete" elsewhere */
    reclaimPolicy?: "Delete" | "Retain";
    /** Mark the block class as the cluster default. @default true */
    defaultStorageClass?: boolean;
    /** Names of the StorageClasses created. @default { block: "ceph-block", filesystem: "ceph-filesystem", bucket: "ceph-bucket" } */
    storageClassNames?: { block?: string; filesystem?: string; bucket?: string };
    /** RGW port. @default 80 */
    objectStorePort?: number;
    /** Per-daemon resources. @default sized per environment */
    resources?: { mon?: ResourceRequirements; mgr?: ResourceRequirements; osd?: ResourceRequirements; operator?: ResourceRequirements };
}

/** Rook/Ceph: operator (Helm or external), CephCluster, block pool, filesystem, object store, StorageClasses and a VolumeSnapshotClass. */
export class RookCeph extends pulumi.ComponentResource {
    /** RWO block StorageClass name (the default class). */
    public readonly blockStorageClass: pulumi.Output<string>;
    /** RWX CephFS StorageClass name. */
    public readonly filesystemStorageClass: pulumi.Output<string>;
    /** ObjectBucketClaim StorageClass name. */
    public readonly bucketStorageClass: pulumi.Output<string>;
    /** In-cluster S3 endpoint of the object store. */
    public readonly objectStoreEndpoint: pulumi.Output<string>;
    /** Cluster namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** What later layers wait for: CRDs, chart and the custom resources. */
    public readonly ready: pulumi.Resource[];
    /** Resolved monitor count. */
    public readonly monCount: number;
    /** Resolved pool replica count. */
    public readonly replicas: number;

    constructor(name: string, args: RookCephArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:storage:RookCeph", name, {}, opts);
        const ha = isHighlyAvailable(args.environment);
        const operator = args.operator ?? { mode: "helm" };
        const installCrds = args.installCrds ?? false;
        const nsName = args.namespace ?? "rook-ceph";
        const operatorNs = args.operatorNamespace ?? "rook-ceph";
        const defaults = rookCephDefaults(args.environment);
        this.monCount = args.monCount ?? defaults.monCount;
        const mgrCount = args.mgrCount ?? defaults.mgrCount;
        const allowMultiplePerNode = args.allowMultiplePerNode ?? defaults.allowMultiplePerNode;
        this.replicas = args.replicas ?? defaults.replicas;
        const reclaimPolicy = args.reclaimPolicy ?? defaults.reclaimPolicy;
        const defaultClass = args.defaultStorageClass ?? true;
        const port = args.objectStorePort ?? 80;
        const classNames = {
            block: args.storageClassNames?.block ?? "ceph-block",
            filesystem: args.storageClassNames?.filesystem ?? "ceph-filesystem",
            bucket: args.storageClassNames?.bucket ?? "ceph-bucket",
        };
        const cephImage = mirrorImage(args.cephImage ?? CEPH_IMAGE, args.imageMirror);
        const problem = validateCephOptions({ monCount: this.monCount, mgrCount, poolSize: this.replicas, devices: args.devices });
        if (problem) {
            throw new pulumi.ResourceError(`rook-ceph ${name}: ${problem}`, this);
        }
        const daemonRes = {
            mon: args.resources?.mon ?? (ha ? resources("500m", "1Gi", "2", "2Gi") : resources("100m", "512Mi", "1", "1Gi")),
            mgr: args.resources?.mgr ?? (ha ? resources("500m", "512Mi", "1", "1Gi") : resources("100m", "256Mi", "500m", "512Mi")),
            osd: args.resources?.osd ?? (ha ? resources("1", "4Gi", "4", "8Gi") : resources("250m", "1Gi", "1", "2Gi")),
        };
        const labels = standardLabels("rook-ceph", "storage", args.labels ?? {});
        const privileged = {
            // Ceph OSDs and the CSI node plugins need privileged pods, host paths and the host network.
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/audit": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
        };

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, ...privileged } },
        }, { parent: this });
        const namespace = ns.metadata.name;

        const deps: pulumi.Resource[] = [ns];
        const crds: CrdInfo[] = [...(operator.mode === "none" ? ROOK_CRDS : []), ...(installCrds ? SNAPSHOT_CRDS : [])];
        for (const c of crds) {
            const m = minimalCrd(c);
            deps.push(new k8s.apiextensions.v1.CustomResourceDefinition(`${name}-crd-${c.plural}`, {
                metadata: { ...m.metadata, labels },
                spec: m.spec,
            }, { parent: this, retainOnDelete: true }));
        }

        if (operator.mode === "helm") {
            deps.push(...this.operatorChart(name, args, operator, { nsName, operatorNs, namespace, labels: { ...labels, ...privileged } }, deps.slice()));
        }
        const crOpts = { parent: this, dependsOn: deps.slice() };

        const cluster = new k8s.apiextensions.CustomResource(`${name}-cluster`, {
            apiVersion: "ceph.rook.io/v1",
            kind: "CephCluster",
            metadata: { name: nsName, namespace, labels },
            spec: renderCephClusterSpec({
                cephImage, monCount: this.monCount, mgrCount, allowMultiplePerNode,
                devices: args.devices, dashboard: args.dashboard ?? true, resources: daemonRes,
                placement: rolePlacement(args.nodeRole ?? "storage", ha ? "required" : "preferred"),
            }),
        }, crOpts);

        const poolOpts = { parent: this, dependsOn: [...deps, cluster] };
        const pool = new k8s.apiextensions.CustomResource(`${name}-blockpool`, {
            apiVersion: "ceph.rook.io/v1",
            kind: "CephBlockPool",
            metadata: { name: "replicapool", namespace, labels },
            spec: renderReplicatedPool(this.replicas),
        }, poolOpts);
        const fs = new k8s.apiextensions.CustomResource(`${name}-filesystem`, {
            apiVersion: "ceph.rook.io/v1",
            kind: "CephFilesystem",
            metadata: { name: "sharedfs", namespace, labels },
            spec: renderFilesystemSpec(this.replicas, ha),
        }, poolOpts);
        const store = new k8s.apiextensions.CustomResource(`${name}-objectstore`, {
            apiVersion: "ceph.rook.io/v1",
            kind: "CephObjectStore",
            metadata: { name: "objects", namespace, labels },
            spec: renderObjectStoreSpec(this.replicas, ha, port),
        }, poolOpts);

        const block = new k8s.storage.v1.StorageClass(`${name}-block`, {
            metadata: {
                name: classNames.block,
                labels,
                annotations: defaultClass ? { "storageclass.kubernetes.io/is-default-class": "true" } : {},
            },
            provisioner: `${operatorNs}.rbd.csi.ceph.com`,
            parameters: rbdStorageClassParameters(nsName, "replicapool"),
            reclaimPolicy,
            allowVolumeExpansion: true,
            volumeBindingMode: "Immediate",
        }, { parent: this, dependsOn: [pool] });
        const filesystem = new k8s.storage.v1.StorageClass(`${name}-filesystem`, {
            metadata: { name: classNames.filesystem, labels },
            provisioner: `${operatorNs}.cephfs.csi.ceph.com`,
            parameters: cephfsStorageClassParameters(nsName, "sharedfs"),
            reclaimPolicy,
            allowVolumeExpansion: true,
        }, { parent: this, dependsOn: [fs] });
        const bucket = new k8s.storage.v1.StorageClass(`${name}-bucket`, {
            metadata: { name: classNames.bucket, labels },
            provisioner: `${operatorNs}.ceph.rook.io/bucket`,
            parameters: { objectStoreName: "objects", objectStoreNamespace: nsName },
            reclaimPolicy,
        }, { parent: this, dependsOn: [store] });
        const snapClass = new k8s.apiextensions.CustomResource(`${name}-snapshot-class`, {
            apiVersion: "snapshot.storage.k8s.io/v1",
            kind: "VolumeSnapshotClass",
            metadata: { name: "ceph-block", labels },
            driver: `${operatorNs}.rbd.csi.ceph.com`,
            deletionPolicy: "Delete",
            parameters: {
                clusterID: nsName,
                "csi.storage.k8s.io/snapshotter-secret-name": "rook-csi-rbd-provisioner",
                "csi.storage.k8s.io/snapshotter-secret-namespace": nsName,
            },
        }, { parent: this, dependsOn: [...deps, pool] });

        this.blockStorageClass = block.metadata.name;
        this.filesystemStorageClass = filesystem.metadata.name;
        this.bucketStorageClass = bucket.metadata.name;
        this.objectStoreEndpoint = pulumi.interpolate`http://rook-ceph-rgw-objects.${namespace}.svc:${port}`;
        this.namespaceName = namespace;
        this.ready = [...deps, cluster, pool, fs, store, block, filesystem, bucket, snapClass];
        this.registerOutputs({
            blockStorageClass: this.blockStorageClass,
            filesystemStorageClass: this.filesystemStorageClass,
            bucketStorageClass: this.bucketStorageClass,
            objectStoreEndpoint: this.objectStoreEndpoint,
        });
    }

    /**
     * The Rook operator from its Helm chart, in its own namespace when that differs from the
     * cluster's; returns what the cluster resources wait for (the namespace, the chart).
     */
    private operatorChart(name: string, args: RookCephArgs, operator: HelmOperator, where: { nsName: string; operatorNs: string; namespace: pulumi.Output<string>; labels: Record<string, string> }, deps: pulumi.Resource[]): pulumi.Resource[] {
        const { nsName, operatorNs, namespace } = where;
        const created: pulumi.Resource[] = [];
        let operatorNamespace: pulumi.Input<string> = namespace;
        if (operatorNs !== nsName) {
            const ons = new k8s.core.v1.Namespace(`${name}-operator-ns`, {
                metadata: { name: operatorNs, labels: { ...where.labels, ...PLATFORM_NAMESPACE_LABELS } },
            }, { parent: this });
            operatorNamespace = ons.metadata.name;
            created.push(ons);
        }
        const image = (ref: string) => splitTag(mirrorImage(ref, args.imageMirror));
        const opRes = args.resources?.operator ?? resources("100m", "128Mi", "500m", "512Mi");
        // helm.v4 renders in the provider, so the image-mirror transformation cannot see its
        // children: every image the chart deploys is set through its values instead.
        // The whole kubernetes package, loaded only here (components/core/k8s.ts says why).
        const { helm } = require("@pulumi/kubernetes") as typeof k8sPackage;
        created.push(new helm.v4.Chart(`${name}-operator`, {
            chart: "rook-ceph",
            version: operator.chartVersion ?? ROOK_CHART_VERSION,
            repositoryOpts: { repo: operator.chartRepo ?? ROOK_CHART_REPO },
            namespace: operatorNamespace,
            values: {
                image: image(operator.image ?? ROOK_OPERATOR_IMAGE),
                crds: { enabled: true },
                csi: {
                    cephcsi: image(CEPH_CSI_IMAGE),
                    registrar: image(CSI_NODE_DRIVER_REGISTRAR_IMAGE),
                    provisioner: image(CSI_PROVISIONER_IMAGE),
                    snapshotter: image(CSI_SNAPSHOTTER_IMAGE),
                    attacher: image(CSI_ATTACHER_IMAGE),
                    resizer: image(CSI_RESIZER_IMAGE),
                    csiAddons: image(CSI_ADDONS_IMAGE),
                },
                "ceph-csi-operator": { controllerManager: { manager: { image: image(ROOK_CSI_OPERATOR_IMAGE) } } },
                resources: { requests: { ...opRes.requests }, limits: { ...opRes.limits } },
                enableDiscoveryDaemon: false,
                monitoring: { enabled: false },
            },
        }, { parent: this, dependsOn: [...deps, ...created] }));
        return created;
    }
}

/** Splits `repo:tag` (digest references keep the digest as the tag part). */
export function splitTag(image: string): { repository: string; tag: string } {
    const at = image.indexOf("@");
    if (at >= 0) {
        return { repository: image.slice(0, at), tag: image.slice(at + 1) };
    }
    const colon = image.lastIndexOf(":");
    if (colon > image.lastIndexOf("/")) {
        return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
    }
    return { repository: image, tag: "latest" };
}

