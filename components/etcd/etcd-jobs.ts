/**
 * The specs of etcd's maintenance workloads, as pure functions of their inputs: the Job that turns
 * auth on, the snapshot CronJob and the defrag CronJob. `EtcdCluster` creates them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { resources, toK8s } from "../core/resources";
import { backupScript, enableAuthScript } from "./etcd-config";

type EnvVar = k8s.types.input.core.v1.EnvVar;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;

const jobResources = resources("50m", "64Mi", "500m", "256Mi");

/** Pod security context of the etcd members and of the defrag job (the etcd image runs as 1000). */
export const ETCD_POD_SECURITY: PodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
/** Container security context of every etcd container. */
export const ETCD_CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
// the tools image (bitnami) runs as 1001
const TOOLS_POD_SECURITY: PodSecurityContext = { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } };

/** What a maintenance pod needs to reach the cluster as root with the client certificate. */
export interface EtcdctlAccess {
    /** `https://<member>...:2379,...`: every member's client URL. */
    endpoints: string;
    /** Fixed name of the Secret with the root `password`. */
    rootSecretName: string;
    /** Name of the client TLS Secret. */
    clientTlsSecretName: pulumi.Input<string>;
}

function clientEnv(a: EtcdctlAccess): EnvVar[] {
    return [
        { name: "ETCDCTL_API", value: "3" },
        { name: "ETCDCTL_ENDPOINTS", value: a.endpoints },
        { name: "ETCDCTL_CACERT", value: "/etc/etcd/client/ca.crt" },
        { name: "ETCDCTL_CERT", value: "/etc/etcd/client/tls.crt" },
        { name: "ETCDCTL_KEY", value: "/etc/etcd/client/tls.key" },
        { name: "ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: a.rootSecretName, key: "password" } } },
    ];
}

const clientMount = { name: "client-tls", mountPath: "/etc/etcd/client", readOnly: true };
const clientVolume = (a: EtcdctlAccess) => ({ name: "client-tls", secret: { secretName: a.clientTlsSecretName, defaultMode: 0o440 } });

/** The Job that creates the root user and turns auth on once the members are up. */
export function enableAuthJobSpec(a: EtcdctlAccess, toolsImage: string, labels: Record<string, string>): k8s.types.input.batch.v1.JobSpec {
    return {
        backoffLimit: 10,
        template: {
            metadata: { labels },
            spec: {
                restartPolicy: "OnFailure",
                securityContext: TOOLS_POD_SECURITY,
                containers: [{
                    name: "enable-auth",
                    image: toolsImage,
                    command: ["/bin/bash", "-ec", enableAuthScript()],
                    env: clientEnv(a),
                    resources: toK8s(jobResources),
                    securityContext: ETCD_CONTAINER_SECURITY,
                    volumeMounts: [clientMount],
                }],
                volumes: [clientVolume(a)],
            },
        },
    };
}

/** Options of `backupCronJobSpec`. */
export interface BackupJobOptions {
    /** Cron schedule. */
    schedule: string;
    /** Snapshots kept. */
    retention: number;
    /** Name of the backup PVC. */
    claimName: pulumi.Input<string>;
}

/** The CronJob that saves a snapshot to the backup PVC and keeps the newest `retention`. */
export function backupCronJobSpec(a: EtcdctlAccess, o: BackupJobOptions, toolsImage: string, labels: Record<string, string>): k8s.types.input.batch.v1.CronJobSpec {
    return {
        schedule: o.schedule,
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
                        securityContext: TOOLS_POD_SECURITY,
                        containers: [{
                            name: "snapshot",
                            image: toolsImage,
                            command: ["/bin/bash", "-ec", backupScript(o.retention)],
                            env: clientEnv(a),
                            resources: toK8s(jobResources),
                            securityContext: { ...ETCD_CONTAINER_SECURITY, readOnlyRootFilesystem: true },
                            volumeMounts: [clientMount, { name: "backups", mountPath: "/backups" }],
                        }],
                        volumes: [clientVolume(a), { name: "backups", persistentVolumeClaim: { claimName: o.claimName } }],
                    },
                },
            },
        },
    };
}

/** The CronJob that defragments every member, one at a time. */
export function defragCronJobSpec(a: EtcdctlAccess, schedule: string, image: string, labels: Record<string, string>): k8s.types.input.batch.v1.CronJobSpec {
    return {
        schedule,
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
