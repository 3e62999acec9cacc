/**
 * etcd: the founding design's configuration store, as a TLS-everywhere StatefulSet with auth,
 * backups, defragmentation and a disruption budget that keeps quorum.
 *
 * Restore from a snapshot: `npm run etcd-restore` (docs/etcd-restore.md).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements, isHighlyAvailable } from "../core/types";
import { standardLabels, selectorLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { AWS_CLI_IMAGE, BUSYBOX_IMAGE, ETCD_IMAGE } from "../versions";
import { mergeAffinity, rolePlacement } from "../app-engine/workload";
import { CertificateAuthority } from "../secrets/certificate-authority";
import { Certificate } from "../secrets/certificate";
import { RandomSecret } from "../secrets/random-secret";
import { ETCD_PORTS, EtcdTopology, clientEndpoint, etcdQuorum, initialCluster, serverDnsNames, validateEtcdReplicas } from "./etcd-config";
import { BackupObjectStoreOptions, EtcdctlAccess, ScriptImages, backupCronJobSpec, defragCronJobSpec, enableAuthJobSpec } from "./etcd-jobs";
import { BOOTSTRAP_KEY, memberStatefulSetSpec, removeMembersJobSpec } from "./etcd-members";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** What `EtcdCluster` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function etcdClusterDefaults(env: Environment): { replicas: number; storageSize: string; backup: { schedule: string; retention: number; size: string } } {
    const every6h = "0 */6 * * *";
    const table: Record<Environment, { storageSize: string; backup: { schedule: string; retention: number; size: string } }> = {
        local: { storageSize: "1Gi", backup: { schedule: every6h, retention: 2, size: "1Gi" } },
        dev: { storageSize: "2Gi", backup: { schedule: every6h, retention: 3, size: "2Gi" } },
        staging: { storageSize: "10Gi", backup: { schedule: every6h, retention: 7, size: "10Gi" } },
        prod: { storageSize: "20Gi", backup: { schedule: "0 */2 * * *", retention: 24, size: "50Gi" } },
    };
    return { replicas: isHighlyAvailable(env) ? 3 : 1, ...table[env] };
}

/** Snapshot backups to a PVC, and optionally to the object store. */
export interface EtcdBackupArgs {
    /** Take snapshots. @default true */
    enabled?: boolean;
    /** Cron schedule. @default etcdClusterDefaults(environment).backup.schedule: every 2 hours in prod, every 6 elsewhere */
    schedule?: string;
    /** Snapshots kept. @default etcdClusterDefaults(environment).backup.retention: 24 in prod, 7 in staging, 3 in dev, 2 in local */
    retention?: number;
    /** Size of the backup PVC. @default etcdClusterDefaults(environment).backup.size: 50Gi in prod, 10Gi in staging, 2Gi in dev, 1Gi in local */
    size?: string;
    /**
     * Also send every snapshot off the cluster, to a bucket of the object store (an
     * ObjectBucketClaim on this StorageClass: Ceph RGW, S3), keeping the newest `retention` there.
     * @default undefined: snapshots stay on the backup PVC only
     */
    objectStore?: { bucketStorageClass: pulumi.Input<string>; prefix?: string };
}

/** Arguments of `EtcdCluster`. */
export interface EtcdClusterArgs extends CommonArgs {
    /** Namespace (created). @default "etcd" */
    namespace?: string;
    /** Members; must be odd. @default 3 in staging/prod, 1 elsewhere */
    replicas?: number;
    /** StorageClass of the member and backup PVCs (the block class from RookCeph). @default the cluster's default class */
    storageClass?: pulumi.Input<string>;
    /** Size of each member's data PVC. @default etcdClusterDefaults(environment).storageSize: 20Gi in prod, 10Gi in staging, 2Gi in dev, 1Gi in local */
    storageSize?: string;
    /** Member container resources. @default requests 250m/512Mi, limits 1/2Gi (HA); 100m/256Mi, 500m/1Gi otherwise */
    resources?: ResourceRequirements;
    /** Backend quota (bytes); writes fail with NOSPACE above it. @default 2147483648 (2 GiB) */
    quotaBackendBytes?: number;
    /** Snapshot backups. @default { enabled: true } */
    backup?: EtcdBackupArgs;
    /** Cron schedule of `etcdctl defrag --cluster`. @default "30 3 * * 0" (Sundays 03:30) */
    defragSchedule?: string;
    /** Spread members across nodes strictly (required) or best effort. @default "required" in staging/prod, "preferred" elsewhere */
    antiAffinity?: "required" | "preferred";
    /**
     * Node role (the `containercloud.io/node-role` label) the members prefer; they tolerate its
     * NoSchedule taint, so they may land on those nodes, and go elsewhere when there are too few.
     * @default "storage" (fast local disks, next to Ceph)
     */
    nodeRole?: string;
    /** Cluster DNS domain. @default "cluster.local" */
    clusterDomain?: string;
}

/**
 * An etcd cluster: StatefulSet (Parallel pod management, stable DNS through a headless peer
 * Service), client Service, TLS on peer and client ports from a CA generated at deploy time, a
 * generated root password with auth enabled by a Job, a PodDisruptionBudget at quorum, snapshot
 * and defrag CronJobs, and metrics on :2381.
 *
 * Membership follows `replicas` (etcd-membership.ts): a new member registers itself with
 * `member add` and starts with `existing`, the first members of a new cluster bootstrap with
 * `new`, a member whose volume was lost removes its old entry and joins again, and after a
 * scale-down a Job removes the members at or above `replicas` while the StatefulSet deletes their
 * PVCs. There is deliberately no preStop hook that removes the member: a pod stops for rolling
 * updates and node drains too, and each would become a membership change.
 */
export class EtcdCluster extends pulumi.ComponentResource {
    /** `https://etcd-client.<ns>.svc:2379`. */
    public readonly clientEndpoint: pulumi.Output<string>;
    /** Secret (in the etcd namespace) with `ca.crt`, `tls.crt`, `tls.key` for clients. */
    public readonly clientTlsSecretName: pulumi.Output<string>;
    /** Secret (in the etcd namespace) with the root `password`. */
    public readonly rootPasswordSecretName: pulumi.Output<string>;
    /** The root password (secret). */
    public readonly rootPassword: pulumi.Output<string>;
    /** CA certificate that signed the members' certificates, PEM. */
    public readonly caCertPem: pulumi.Output<string>;
    /** Client certificate, PEM. */
    public readonly clientCertPem: pulumi.Output<string>;
    /** Client key, PEM (secret). */
    public readonly clientKeyPem: pulumi.Output<string>;
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** The StatefulSet. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;
    /** Resolved member count. */
    public readonly replicas: number;
    /** Members needed for quorum. */
    public readonly quorum: number;

    constructor(name: string, args: EtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:etcd:EtcdCluster", name, {}, opts);
        const defaults = etcdClusterDefaults(args.environment);
        this.replicas = args.replicas ?? defaults.replicas;
        const problem = validateEtcdReplicas(this.replicas);
        if (problem) {
            throw new pulumi.ResourceError(problem, this);
        }
        this.quorum = etcdQuorum(this.replicas);
        const s = this.settings(name, args, defaults);

        const creds = this.credentials(s);
        const peerSvc = this.services(s);
        this.statefulSet = this.members(s, peerSvc, creds);
        this.clientEndpoint = pulumi.interpolate`https://${s.topo.clientService}.${s.namespace}.svc:${ETCD_PORTS.client}`;
        this.maintenance(s, creds);

        this.clientTlsSecretName = creds.clientTls.metadata.name;
        this.rootPasswordSecretName = creds.rootSecret.metadata.name;
        this.rootPassword = pulumi.secret(creds.password.result);
        this.caCertPem = creds.ca.certPem;
        this.clientCertPem = creds.client.certPem;
        this.clientKeyPem = pulumi.secret(creds.client.keyPem);
        this.namespaceName = s.namespace;
        this.registerOutputs({
            clientEndpoint: this.clientEndpoint,
            clientTlsSecretName: this.clientTlsSecretName,
            rootPasswordSecretName: this.rootPasswordSecretName,
            namespaceName: this.namespaceName,
        });
    }

    /** Resolves every optional arg once, and creates the namespace every other step uses. */
    private settings(name: string, args: EtcdClusterArgs, defaults: ReturnType<typeof etcdClusterDefaults>): EtcdSettings {
        const ha = isHighlyAvailable(args.environment);
        const nsName = args.namespace ?? "etcd";
        const labels = standardLabels("etcd", "etcd", args.labels ?? {});
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: nsName,
                labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" },
            },
        }, { parent: this });
        // clients, peers and the maintenance Jobs are all in the namespace: no port is open to others
        platformNetworkPolicy(`${name}-netpol`, { namespace: ns.metadata.name, labels }, { parent: this });
        return {
            name,
            nsName,
            namespace: ns.metadata.name,
            labels,
            selector: selectorLabels("etcd", "etcd"),
            topo: {
                statefulSet: "etcd",
                peerService: "etcd-peer",
                clientService: "etcd-client",
                namespace: nsName,
                clusterDomain: args.clusterDomain ?? "cluster.local",
                replicas: this.replicas,
            },
            storageClass: args.storageClass,
            storageSize: args.storageSize ?? defaults.storageSize,
            res: args.resources ?? (ha ? resources("250m", "512Mi", "1", "2Gi") : resources("100m", "256Mi", "500m", "1Gi")),
            quotaBackendBytes: args.quotaBackendBytes ?? 2 * 1024 ** 3,
            backup: {
                enabled: args.backup?.enabled ?? true,
                schedule: args.backup?.schedule ?? defaults.backup.schedule,
                retention: args.backup?.retention ?? defaults.backup.retention,
                size: args.backup?.size ?? defaults.backup.size,
                objectStore: args.backup?.objectStore,
            },
            defragSchedule: args.defragSchedule ?? "30 3 * * 0",
            antiAffinity: args.antiAffinity ?? (ha ? "required" : "preferred"),
            nodeRole: args.nodeRole ?? "storage",
            image: mirrorImage(ETCD_IMAGE, args.imageMirror),
            scriptImages: { etcd: mirrorImage(ETCD_IMAGE, args.imageMirror), busybox: mirrorImage(BUSYBOX_IMAGE, args.imageMirror) },
            awsCliImage: mirrorImage(AWS_CLI_IMAGE, args.imageMirror),
        };
    }

    /** PKI and credentials, generated once at deploy time and held as Pulumi secrets, and their Secrets. */
    private credentials(s: EtcdSettings): EtcdCredentials {
        const { name, namespace, labels } = s;
        const ca = new CertificateAuthority(`${name}-ca`, { commonName: `${s.nsName} etcd CA` }, { parent: this });
        const server = new Certificate(`${name}-server-cert`, {
            caCertPem: ca.certPem, caKeyPem: ca.keyPem,
            commonName: "etcd",
            dnsNames: serverDnsNames(s.topo),
            ipAddresses: ["127.0.0.1"],
            // members are servers to clients and clients to each other on the peer port
            usages: ["server", "client"],
        }, { parent: this });
        const client = new Certificate(`${name}-client-cert`, {
            caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: "etcd-client", usages: ["client"],
        }, { parent: this });
        const password = new RandomSecret(`${name}-root-password`, { length: 32 }, { parent: this });

        const serverTls = new k8s.core.v1.Secret(`${name}-server-tls`, {
            metadata: { namespace, labels },
            type: "kubernetes.io/tls",
            stringData: { "ca.crt": ca.certPem, "tls.crt": server.certPem, "tls.key": server.keyPem },
        }, { parent: this });
        const clientTls = new k8s.core.v1.Secret(`${name}-client-tls`, {
            metadata: { namespace, labels },
            type: "kubernetes.io/tls",
            stringData: { "ca.crt": ca.certPem, "tls.crt": client.certPem, "tls.key": client.keyPem },
        }, { parent: this });
        // A fixed name (docs/etcd-restore.md uses it). The jobs name it as text and wait for it
        // with dependsOn: a changed Secret with a fixed name is replaced delete-first, and a CronJob
        // taking its Output would be replaced with it (test/core/replacement-safety.test.ts).
        const rootSecret = new k8s.core.v1.Secret(`${name}-root`, {
            metadata: { name: ROOT_SECRET_NAME, namespace, labels },
            stringData: { username: "root", password: password.result },
        }, { parent: this });
        return { ca, client, password, serverTls, clientTls, rootSecret };
    }

    /** The headless peer Service (stable member DNS) and the client Service; returns the peer Service. */
    private services(s: EtcdSettings): k8s.core.v1.Service {
        const { name, namespace, labels, selector } = s;
        const peerSvc = new k8s.core.v1.Service(`${name}-peer`, {
            metadata: { name: s.topo.peerService, namespace, labels },
            spec: {
                clusterIP: "None",
                // members must find each other before they are ready: readiness needs quorum
                publishNotReadyAddresses: true,
                selector,
                ports: [
                    { name: "peer", port: ETCD_PORTS.peer, targetPort: ETCD_PORTS.peer },
                    { name: "client", port: ETCD_PORTS.client, targetPort: ETCD_PORTS.client },
                ],
            },
        }, { parent: this });
        new k8s.core.v1.Service(`${name}-client`, {
            metadata: {
                name: s.topo.clientService,
                namespace,
                labels,
                annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": `${ETCD_PORTS.metrics}` },
            },
            spec: {
                selector,
                ports: [
                    { name: "client", port: ETCD_PORTS.client, targetPort: ETCD_PORTS.client },
                    { name: "metrics", port: ETCD_PORTS.metrics, targetPort: ETCD_PORTS.metrics },
                ],
            },
        }, { parent: this });
        return peerSvc;
    }

    /** The members' StatefulSet and, with more than one member, a disruption budget at quorum. */
    private members(s: EtcdSettings, peerSvc: k8s.core.v1.Service, creds: EtcdCredentials): k8s.apps.v1.StatefulSet {
        const { name, namespace, labels, selector } = s;
        const hostSpread = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
        const spread: k8s.types.input.core.v1.Affinity = s.antiAffinity === "required"
            ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [hostSpread] } }
            : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostSpread }] } };
        // Preferred, not required: a cluster with fewer role nodes than members still forms quorum.
        const placement = rolePlacement(s.nodeRole, "preferred");
        const affinity = mergeAffinity(placement.affinity, spread);

        // A fixed name read by each member when it starts (not a template change: see etcd-members.ts).
        const bootstrap = new k8s.core.v1.ConfigMap(`${name}-bootstrap`, {
            metadata: { name: BOOTSTRAP_CONFIGMAP_NAME, namespace, labels },
            data: { [BOOTSTRAP_KEY]: initialCluster(s.topo) },
        }, { parent: this });
        const sts = new k8s.apps.v1.StatefulSet(`${name}`, {
            metadata: { name: s.topo.statefulSet, namespace, labels },
            spec: memberStatefulSetSpec(s.topo, peerSvc.metadata.name, {
                replicas: this.replicas,
                labels: { ...labels, ...selector },
                selector,
                affinity,
                tolerations: placement.tolerations,
                images: s.scriptImages,
                resources: s.res,
                quotaBackendBytes: s.quotaBackendBytes,
                serverTlsSecretName: creds.serverTls.metadata.name,
                rootSecretName: ROOT_SECRET_NAME,
                bootstrapConfigMapName: BOOTSTRAP_CONFIGMAP_NAME,
                storageClass: s.storageClass,
                storageSize: s.storageSize,
            }),
        }, { parent: this, dependsOn: [bootstrap, creds.rootSecret] });

        if (this.replicas > 1) {
            // With one member, a budget of 1 would block every node drain while protecting nothing.
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: { name: "etcd", namespace, labels },
                spec: { minAvailable: this.quorum, selector: { matchLabels: selector } },
            }, { parent: this });
        }
        return sts;
    }

    /** The auth Job, the snapshot CronJob with its PVC (when backups are on) and the defrag CronJob. */
    private maintenance(s: EtcdSettings, creds: EtcdCredentials): void {
        const { name, namespace } = s;
        // not the members' component label: etcd's Services must never list these pods as endpoints
        const labels = { ...s.labels, "app.kubernetes.io/component": "maintenance" };
        const access: EtcdctlAccess = { endpoints: clientEndpoint(s.topo), rootSecretName: ROOT_SECRET_NAME, clientTlsSecretName: creds.clientTls.metadata.name };
        new k8s.batch.v1.Job(`${name}-enable-auth`, {
            metadata: { name: "etcd-enable-auth", namespace, labels },
            spec: enableAuthJobSpec(access, s.scriptImages, labels),
        }, { parent: this, dependsOn: [this.statefulSet, creds.rootSecret] });
        // After the StatefulSet has its new count: a scale-down's members leave the member list.
        new k8s.batch.v1.Job(`${name}-remove-members`, {
            metadata: { name: "etcd-remove-members", namespace, labels },
            spec: removeMembersJobSpec(s.topo, access, s.scriptImages, labels),
        }, { parent: this, dependsOn: [this.statefulSet, creds.rootSecret] });

        if (s.backup.enabled) {
            const pvc = new k8s.core.v1.PersistentVolumeClaim(`${name}-backups`, {
                metadata: { name: "etcd-backups", namespace, labels },
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: s.storageClass, resources: { requests: { storage: s.backup.size } } },
            }, { parent: this });
            const objectStore = s.backup.objectStore && this.backupBucket(s, labels, s.backup.objectStore);
            new k8s.batch.v1.CronJob(`${name}-backup`, {
                metadata: { name: "etcd-backup", namespace, labels },
                spec: backupCronJobSpec(access, { schedule: s.backup.schedule, retention: s.backup.retention, claimName: pvc.metadata.name, objectStore }, s.scriptImages, labels),
            }, { parent: this, dependsOn: [creds.rootSecret] });
        }

        new k8s.batch.v1.CronJob(`${name}-defrag`, {
            metadata: { name: "etcd-defrag", namespace, labels },
            spec: defragCronJobSpec(access, s.defragSchedule, s.image, labels),
        }, { parent: this, dependsOn: [creds.rootSecret] });
    }

    /** The bucket of the off-cluster copies: the provisioner writes a ConfigMap and a Secret named after the claim. */
    private backupBucket(s: EtcdSettings, labels: Record<string, string>, o: { bucketStorageClass: pulumi.Input<string>; prefix?: string }): BackupObjectStoreOptions {
        const obc = new k8s.apiextensions.CustomResource(`${s.name}-backup-bucket`, {
            apiVersion: "objectbucket.io/v1alpha1",
            kind: "ObjectBucketClaim",
            metadata: { name: "etcd-backups", namespace: s.namespace, labels },
            spec: { generateBucketName: `${s.nsName}-etcd-backups`, storageClassName: o.bucketStorageClass },
        }, { parent: this });
        return { bucketClaimName: obc.metadata.name, prefix: o.prefix ?? "etcd", image: s.awsCliImage };
    }
}

/** Fixed name of the Secret with the root password (docs/etcd-restore.md uses it). */
const ROOT_SECRET_NAME = "etcd-root-password";
/** Fixed name of the ConfigMap with the declared members (new members and `npm run etcd-restore` read it). */
export const BOOTSTRAP_CONFIGMAP_NAME = "etcd-bootstrap";

/** What `EtcdCluster`'s steps share: the resolved args and the namespace. */
interface EtcdSettings {
    name: string;
    nsName: string;
    namespace: pulumi.Output<string>;
    labels: Record<string, string>;
    selector: Record<string, string>;
    topo: EtcdTopology;
    storageClass?: pulumi.Input<string>;
    storageSize: string;
    res: ResourceRequirements;
    quotaBackendBytes: number;
    backup: { enabled: boolean; schedule: string; retention: number; size: string; objectStore?: { bucketStorageClass: pulumi.Input<string>; prefix?: string } };
    defragSchedule: string;
    antiAffinity: "required" | "preferred";
    nodeRole: string;
    image: string;
    scriptImages: ScriptImages;
    awsCliImage: string;
}

/** The generated PKI, the root password and the Secrets that carry them. */
interface EtcdCredentials {
    ca: CertificateAuthority;
    client: Certificate;
    password: RandomSecret;
    serverTls: k8s.core.v1.Secret;
    clientTls: k8s.core.v1.Secret;
    rootSecret: k8s.core.v1.Secret;
}
