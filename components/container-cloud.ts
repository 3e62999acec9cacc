/**
 * `ContainerCloud` composes the whole platform for one stack: the infrastructure components
 * (Flannel, Rook/Ceph, etcd, the registry), then tenant isolation, and fills the platform context
 * the App Engine layers take. Order and dependencies are real resources passed as args.
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs } from "./core/types";
import { PlatformContext, RegistryContext, StorageContext } from "./core/context";
import { imageMirrorTransformation } from "./core/image-mirror";
import { TENANT_PULL_SECRET, TenantNamespace, TenantQuota, TenantLimits, PodSecurityLevel, TenantGroups } from "./tenancy/tenant-namespace";
import { Flannel, FlannelArgs } from "./network/flannel";
import { EtcdBackupArgs, EtcdCluster, EtcdClusterArgs } from "./etcd/etcd-cluster";
import { RookCeph, RookCephArgs } from "./storage/rook-ceph";
import { Registry, RegistryArgs } from "./registry/registry";
import { RegistryNodeTrust } from "./registry/node-trust";
import { CertificateAuthority } from "./secrets/certificate-authority";
import { TenantAdmission, TenantAdmissionArgs } from "./tenancy/tenant-admission";
import { DEFAULT_TENANT_RULE_PARAMS } from "./core/tenant-rules";

/** One team and its namespaces. */
export interface TeamArgs {
    /** Namespaces of the team; the first is the default for its apps. */
    namespaces: string[];
    /** ResourceQuota per namespace. */
    quota: TenantQuota;
    /** RBAC groups. @default {} */
    groups?: TenantGroups;
    /** Pod Security level. @default "restricted" */
    podSecurity?: PodSecurityLevel;
}

/** The `network` section: Flannel's arguments. */
export type NetworkSectionArgs = Omit<FlannelArgs, keyof CommonArgs> & {
    /** Deploy Flannel. */
    enabled: boolean;
};

/** The `etcd` section: EtcdCluster's arguments (the storage class defaults to the Ceph block class). */
export type EtcdSectionArgs = Omit<EtcdClusterArgs, keyof CommonArgs | "backup"> & {
    /** Deploy etcd. */
    enabled: boolean;
    /** Snapshot backups; `objectStore: true` also sends them to a bucket of the storage's bucket class. @default { enabled: true } */
    backup?: Omit<EtcdBackupArgs, "objectStore"> & { objectStore?: boolean };
};

/** The `storage` section: RookCeph's arguments. */
export type StorageSectionArgs = Omit<RookCephArgs, keyof CommonArgs> & {
    /** Deploy Rook/Ceph; when off, `storageClassNames` name the cluster's own classes. */
    enabled: boolean;
};

/** The `registry` section: Registry's arguments with storage and TLS chosen by kind. */
export type RegistrySectionArgs = Omit<RegistryArgs, keyof CommonArgs | "domain" | "storage" | "tls"> & {
    /** Deploy the registry. */
    enabled: boolean;
    /** Blob storage: the Ceph object store (needs storage) or a PVC on the block class. */
    storage: "s3" | "filesystem";
    /** PVC size with filesystem storage. @default "20Gi" */
    size?: string;
    /** Existing TLS Secret in the registry namespace. @default a certificate from the platform CA */
    tlsSecretName?: string;
    /**
     * Make every node's containerd trust the platform CA for `registry.<domain>` (RegistryNodeTrust),
     * when the platform CA issues the registry's certificate. @default { enabled: true }
     */
    nodeTrust?: { enabled: boolean; certsDir?: string };
};

/** Arguments of `ContainerCloud`. */
export interface ContainerCloudArgs extends CommonArgs {
    /** Base domain of the platform. */
    domain: string;
    /** Teams by name. */
    teams: Record<string, TeamArgs>;
    /** LimitRange every tenant namespace gets. */
    tenantLimits: TenantLimits;
    /** Pod network (Flannel). @default { enabled: false } */
    network?: NetworkSectionArgs;
    /** etcd cluster. @default { enabled: false } */
    etcd?: EtcdSectionArgs;
    /** Rook/Ceph. @default { enabled: false } */
    storage?: StorageSectionArgs;
    /** Image registry. @default { enabled: false } */
    registry?: RegistrySectionArgs;
    /**
     * The tenant rules at admission time (always on): the environment's values, the same as its
     * policy-pack config (stacks read them from policies/config/<env>.json).
     * @default DEFAULT_TENANT_RULE_PARAMS (the pack's rule defaults)
     */
    admission?: Omit<TenantAdmissionArgs, keyof CommonArgs>;
}

/** The whole container cloud for one environment. */
export class ContainerCloud extends pulumi.ComponentResource {
    /** Tenant namespaces by `<team>/<namespace>`. */
    public readonly tenants: Record<string, TenantNamespace>;
    /** The context handed to the App Engine layers. */
    public readonly context: PlatformContext;
    /** Flannel, when enabled. */
    public readonly network?: Flannel;
    /** etcd, when enabled. */
    public readonly etcd?: EtcdCluster;
    /** Rook/Ceph, when enabled. */
    public readonly storage?: RookCeph;
    /** The registry, when enabled. */
    public readonly registry?: Registry;
    /** The platform CA (signs the registry certificate), when the registry needs one. */
    public readonly platformCa?: CertificateAuthority;
    /** The tenant rules' admission policies. */
    public readonly admission: TenantAdmission;

    constructor(name: string, args: ContainerCloudArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:index:ContainerCloud", name, {}, opts);
        const common: CommonArgs = { environment: args.environment, imageMirror: args.imageMirror, labels: args.labels };
        // The mirror rewrite also reaches pods the components' own code did not mirror.
        const transformations = args.imageMirror ? [imageMirrorTransformation(args.imageMirror)] : [];
        const child = (dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]> = []): pulumi.ComponentResourceOptions =>
            ({ parent: this, dependsOn, transformations });
        const net = args.network;
        const etcdArgs = args.etcd;
        const st = args.storage;
        const reg = args.registry;
        if (etcdArgs?.enabled && etcdArgs.backup?.objectStore && st?.enabled !== true) {
            throw new pulumi.ResourceError("etcd.backup.objectStore is true but storage.enabled is false: the bucket comes from the Ceph object store; set etcd.backup.objectStore to false", this);
        }
        if (reg?.enabled && reg.storage === "s3" && st?.enabled !== true) {
            throw new pulumi.ResourceError("registry.storage is s3 but storage.enabled is false: the bucket comes from the Ceph object store; use filesystem", this);
        }
        const classNames = {
            block: st?.storageClassNames?.block ?? "ceph-block",
            filesystem: st?.storageClassNames?.filesystem ?? "ceph-filesystem",
            bucket: st?.storageClassNames?.bucket ?? "ceph-bucket",
        };

        // Infra order: pod network first (nothing else schedules without it, etcd included), then
        // storage, then etcd on the block class, then the registry on the object store.
        let flannel: Flannel | undefined;
        if (net?.enabled) {
            const { enabled: _e, ...rest } = net;
            flannel = new Flannel(`${name}-network`, { ...common, ...rest }, child([]));
        }
        const afterNetwork: pulumi.Resource[] = flannel ? [flannel] : [];

        let rook: RookCeph | undefined;
        if (st?.enabled) {
            const { enabled: _e, ...rest } = st;
            rook = new RookCeph(`${name}-storage`, { ...common, ...rest }, child(afterNetwork));
        }
        const afterStorage: pulumi.Resource[] = [...afterNetwork, ...(rook ? rook.ready : [])];
        const storage: StorageContext = rook
            ? {
                blockStorageClass: rook.blockStorageClass,
                filesystemStorageClass: rook.filesystemStorageClass,
                bucketStorageClass: rook.bucketStorageClass,
                objectStoreEndpoint: rook.objectStoreEndpoint,
            }
            : { blockStorageClass: classNames.block, filesystemStorageClass: classNames.filesystem, bucketStorageClass: classNames.bucket, objectStoreEndpoint: "" };

        let etcd: EtcdCluster | undefined;
        if (etcdArgs?.enabled) {
            const { enabled: _e, backup, ...rest } = etcdArgs;
            const { objectStore, ...snapshots } = backup ?? {};
            const offCluster = objectStore && rook ? { bucketStorageClass: rook.bucketStorageClass } : undefined;
            etcd = new EtcdCluster(`${name}-etcd`, {
                ...common, ...rest,
                backup: { ...snapshots, objectStore: offCluster },
                storageClass: rest.storageClass ?? (rook ? rook.blockStorageClass : undefined),
            }, child(afterStorage));
        }

        let registry: Registry | undefined;
        let registryContext: RegistryContext | undefined;
        if (reg?.enabled) {
            const { enabled: _e, storage: kind, size, tlsSecretName, nodeTrust, ...rest } = reg;
            let tls: RegistryArgs["tls"];
            if (tlsSecretName !== undefined) {
                tls = { secretName: tlsSecretName };
            } else {
                this.platformCa = new CertificateAuthority(`${name}-platform-ca`, { commonName: `${args.domain} platform CA` }, { parent: this });
                tls = { ca: { certPem: this.platformCa.certPem, keyPem: this.platformCa.keyPem } };
            }
            registry = new Registry(`${name}-registry`, {
                ...common,
                ...rest,
                domain: args.domain,
                tls,
                storage: kind === "s3"
                    ? { type: "s3", bucketStorageClass: storage.bucketStorageClass }
                    : { type: "filesystem", storageClass: storage.blockStorageClass, size },
            }, child(afterStorage));
            registryContext = { host: registry.host, internalHost: registry.internalHost, dockerConfigJson: registry.dockerConfigJson };
            if (this.platformCa && (nodeTrust?.enabled ?? true)) {
                new RegistryNodeTrust(`${name}-registry-node-trust`, {
                    ...common,
                    registryHost: registry.host,
                    caCertPem: this.platformCa.certPem,
                    certsDir: nodeTrust?.certsDir,
                }, { parent: this });
            }
        }

        // Pulumi itself is exempt (system:masters), so nothing of the platform waits for the policies.
        this.admission = new TenantAdmission(`${name}-admission`, { ...common, ...(args.admission ?? DEFAULT_TENANT_RULE_PARAMS) }, { parent: this });

        this.tenants = {};
        const tenantContexts: PlatformContext["tenants"] = {};
        for (const [team, t] of Object.entries(args.teams)) {
            const namespaces: pulumi.Output<string>[] = [];
            for (const ns of t.namespaces) {
                const tenant = new TenantNamespace(`${name}-tenant-${ns}`, {
                    namespace: ns,
                    team,
                    quota: t.quota,
                    limits: args.tenantLimits,
                    groups: t.groups,
                    podSecurity: t.podSecurity,
                    registryPullConfig: registry?.dockerConfigJson,
                }, { parent: this });
                this.tenants[`${team}/${ns}`] = tenant;
                namespaces.push(tenant.namespaceName);
            }
            tenantContexts[team] = { team, namespaces, pullSecretName: registry ? TENANT_PULL_SECRET : undefined };
        }

        this.network = flannel;
        this.etcd = etcd;
        this.storage = rook;
        this.registry = registry;
        this.context = {
            environment: args.environment,
            domain: args.domain,
            imageMirror: args.imageMirror,
            storage,
            registry: registryContext,
            tenants: tenantContexts,
            dependsOn: [...afterStorage, ...(etcd ? [etcd] : []), ...(registry ? [registry] : [])],
        };
        this.registerOutputs({});
    }
}
