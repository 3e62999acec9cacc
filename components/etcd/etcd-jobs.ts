/**
 * The specs of etcd's maintenance workloads, as pure functions of their inputs: the Job that turns
 * auth on, the snapshot CronJob and the defrag CronJob. `EtcdCluster` creates them.
 *
 * Why a borrowed shell: upstream's etcd image is distroless (no shell), and the image these Jobs used
 * to run in, bitnami/etcd, was withdrawn in September 2025. Turning auth on must survive a retry
 * (etcdctl's `user add` fails once the user exists, so the steps need a check first) and snapshots
 * are rotated, so both are short scripts. Rather than depend on a third image that must carry
 * etcdctl at the server's exact release, the script runs in the etcd image itself, with the static
 * busybox of the official busybox image copied in by an init container (its shell runs its own
 * applets without links). The defrag job needs no script and runs etcdctl directly.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { cronSchedule } from "../core/cron";
import { resources, toK8s } from "../core/resources";
import { backupScript, enableAuthScript, uploadScript } from "./etcd-config";

type EnvVar = k8s.types.input.core.v1.EnvVar;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;

/** Resources of every maintenance container. */
export const jobResources = resources("50m", "64Mi", "500m", "256Mi");

/** Pod security context of the etcd members and of the defrag job (the etcd image runs as 1000). */
export const ETCD_POD_SECURITY: PodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
/** Container security context of every etcd container. */
export const ETCD_CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

/** Images of a scripted maintenance pod: etcd's for etcdctl, busybox's for the shell. */
export interface ScriptImages {
    /** The etcd image (etcdctl on PATH). */
    etcd: string;
    /** An image with a static `/bin/busybox`. */
    busybox: string;
}

/** Where the borrowed busybox sits in a scripted pod. */
export const SHELL_DIR = "/shell";

/** The borrowed shell's mount and volume. */
export const shellMount = { name: "shell", mountPath: SHELL_DIR };
export const shellVolume = { name: "shell", emptyDir: { sizeLimit: "16Mi" } };

/** The init container that copies busybox (one static binary) into the pod's shell volume. */
export function copyShell(busyboxImage: string): k8s.types.input.core.v1.Container {
    return {
        name: "copy-shell",
        image: busyboxImage,
        command: ["cp", "/bin/busybox", `${SHELL_DIR}/busybox`],
        resources: toK8s(jobResources),
        securityContext: ETCD_CONTAINER_SECURITY,
        volumeMounts: [shellMount],
    };
}

/** The command that runs `script` with the borrowed shell, in the etcd image. */
export function shellCommand(script: string): string[] {
    return [`${SHELL_DIR}/busybox`, "sh", "-ec", script];
}

/** What a maintenance pod needs to reach the cluster as root with the client certificate. */
export interface EtcdctlAccess {
    /** `https://<member>...:2379,...`: every member's client URL. */
    endpoints: string;
    /** Fixed name of the Secret with the root `password`. */
    rootSecretName: string;
    /** Name of the client TLS Secret. */
    clientTlsSecretName: pulumi.Input<string>;
}

/** etcdctl's endpoints and client certificate, and the root password, as environment. */
function clientEnv(a: EtcdctlAccess): EnvVar[] {
    return [
        // a new pod's first packets may wait on the network-policy agent learning its IP: the
        // default 2 s dial gives up before that on a busy node
        { name: "ETCDCTL_DIAL_TIMEOUT", value: "15s" },
        { name: "ETCDCTL_ENDPOINTS", value: a.endpoints },
        { name: "ETCDCTL_CACERT", value: "/etc/etcd/client/ca.crt" },
        { name: "ETCDCTL_CERT", value: "/etc/etcd/client/tls.crt" },
        { name: "ETCDCTL_KEY", value: "/etc/etcd/client/tls.key" },
        { name: "ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: a.rootSecretName, key: "password" } } },
    ];
}

/** The client TLS Secret's mount and volume. */
const clientMount = { name: "client-tls", mountPath: "/etc/etcd/client", readOnly: true };
const clientVolume = (a: EtcdctlAccess) => ({ name: "client-tls", secret: { secretName: a.clientTlsSecretName, defaultMode: 0o440 } });

/** Options of `scriptJobSpec`. */
export interface ScriptJob {
    /** Container name. */
    name: string;
    /** The shell script it runs (with ETCDCTL_* and ROOT_PASSWORD set). */
    script: string;
    /** Retries before the Job fails. */
    backoffLimit: number;
    /** Environment beyond the client's. @default none */
    env?: EnvVar[];
}

/** A Job that runs one script once in the etcd image, as root with the client certificate. */
export function scriptJobSpec(j: ScriptJob, a: EtcdctlAccess, images: ScriptImages, labels: Record<string, string>): k8s.types.input.batch.v1.JobSpec {
    return {
        backoffLimit: j.backoffLimit,
        template: {
            metadata: { labels },
            spec: {
                restartPolicy: "OnFailure",
                securityContext: ETCD_POD_SECURITY,
                initContainers: [copyShell(images.busybox)],
                containers: [{
                    name: j.name,
                    image: images.etcd,
                    command: shellCommand(j.script),
                    env: [...clientEnv(a), ...(j.env ?? [])],
                    resources: toK8s(jobResources),
                    securityContext: ETCD_CONTAINER_SECURITY,
                    volumeMounts: [clientMount, shellMount],
                }],
                volumes: [clientVolume(a), shellVolume],
            },
        },
    };
}

/** The Job that creates the root user and turns auth on once the members are up. */
export function enableAuthJobSpec(a: EtcdctlAccess, images: ScriptImages, labels: Record<string, string>): k8s.types.input.batch.v1.JobSpec {
    return scriptJobSpec({ name: "enable-auth", script: enableAuthScript(), backoffLimit: 10 }, a, images, labels);
}

/** Options of `backupCronJobSpec`. */
export interface BackupJobOptions {
    /** Cron schedule. */
    schedule: string;
    /** Snapshots kept. */
    retention: number;
    /** Name of the backup PVC. */
    claimName: pulumi.Input<string>;
    /** Also send each snapshot to the object store. @default undefined: the PVC only */
    objectStore?: BackupObjectStoreOptions;
}

/** Where `backupCronJobSpec` sends snapshots off the cluster. */
export interface BackupObjectStoreOptions {
    /** The ObjectBucketClaim: its ConfigMap (BUCKET_HOST, BUCKET_PORT, BUCKET_NAME) and Secret (AWS_* keys) share its name. */
    bucketClaimName: pulumi.Input<string>;
    /** Key prefix in the bucket. */
    prefix: string;
    /** An image with the aws CLI and a shell. */
    image: string;
}

/**
 * The upload container: runs after the snapshot (an init container then) and copies the newest
 * snapshot to the bucket. HOME is an emptyDir: the CLI writes its cache there, and the root
 * filesystem is read-only.
 */
function uploadContainer(o: BackupObjectStoreOptions, retention: number): k8s.types.input.core.v1.Container {
    const fromClaim = (key: string) => ({ name: key, valueFrom: { configMapKeyRef: { name: o.bucketClaimName, key } } });
    const fromSecret = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: o.bucketClaimName, key } } });
    return {
        name: "upload",
        image: o.image,
        command: ["sh", "-ec", uploadScript(retention, o.prefix)],
        env: [
            fromClaim("BUCKET_HOST"), fromClaim("BUCKET_PORT"), fromClaim("BUCKET_NAME"),
            fromSecret("AWS_ACCESS_KEY_ID"), fromSecret("AWS_SECRET_ACCESS_KEY"),
            // Ceph RGW ignores the region, the CLI needs one
            { name: "AWS_DEFAULT_REGION", value: "us-east-1" },
            { name: "HOME", value: "/tmp" },
        ],
        resources: toK8s(jobResources),
        securityContext: ETCD_CONTAINER_SECURITY,
        volumeMounts: [{ name: "backups", mountPath: "/backups", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
    };
}

/** The CronJob that saves a snapshot to the backup PVC and keeps the newest `retention`, and with `objectStore` uploads it. */
export function backupCronJobSpec(a: EtcdctlAccess, o: BackupJobOptions, images: ScriptImages, labels: Record<string, string>): k8s.types.input.batch.v1.CronJobSpec {
    const snapshot: k8s.types.input.core.v1.Container = {
        name: "snapshot",
        image: images.etcd,
        command: shellCommand(backupScript(o.retention)),
        env: clientEnv(a),
        resources: toK8s(jobResources),
        securityContext: ETCD_CONTAINER_SECURITY,
        volumeMounts: [clientMount, shellMount, { name: "backups", mountPath: "/backups" }],
    };
    return {
        ...cronSchedule(o.schedule),
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
            spec: {
                backoffLimit: 2,
                template: {
                    metadata: { labels },
                    spec: {
                        restartPolicy: "OnFailure",
                        securityContext: ETCD_POD_SECURITY,
                        // with an object store the snapshot runs first, as an init container, and the upload after it
                        initContainers: o.objectStore ? [copyShell(images.busybox), snapshot] : [copyShell(images.busybox)],
                        containers: o.objectStore ? [uploadContainer(o.objectStore, o.retention)] : [snapshot],
                        volumes: [
                            clientVolume(a), shellVolume, { name: "backups", persistentVolumeClaim: { claimName: o.claimName } },
                            ...(o.objectStore ? [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }] : []),
                        ],
                    },
                },
            },
        },
    };
}

/** The CronJob that defragments every member, one at a time. */
export function defragCronJobSpec(a: EtcdctlAccess, schedule: string, image: string, labels: Record<string, string>): k8s.types.input.batch.v1.CronJobSpec {
    return {
        ...cronSchedule(schedule),
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
            spec: {
                backoffLimit: 1,
                template: {
                    metadata: { labels },
                    spec: {
                        restartPolicy: "Never",
                        securityContext: ETCD_POD_SECURITY,
                        containers: [{
                            name: "defrag",
                            image,
                            command: ["etcdctl"],
                            // one member at a time (--cluster walks the member list), so quorum is kept
                            args: ["defrag", "--cluster", "--command-timeout=60s"],
                            env: [...clientEnv(a), { name: "ETCDCTL_USER", value: "root:$(ROOT_PASSWORD)" }],
                            resources: toK8s(jobResources),
                            securityContext: ETCD_CONTAINER_SECURITY,
                            volumeMounts: [clientMount],
                        }],
                        volumes: [clientVolume(a)],
                    },
                },
            },
        },
    };
}
