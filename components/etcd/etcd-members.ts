/**
 * The members' StatefulSet spec and the Job that removes members after a scale-down, as pure
 * functions of their inputs. `EtcdCluster` creates them.
 *
 * Nothing in the pod template depends on the member count: a scale changes `replicas` only, so the
 * running members are not rolled. (A rolling restart during a 5 → 3 scale-down would stop a third
 * member while two are already gone: 2 of 5 is no quorum, and the restarted member would never
 * turn Ready.) The declared members reach a new pod through the bootstrap ConfigMap instead, read
 * when the pod starts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { ResourceRequirements } from "../core/types";
import { toK8s } from "../core/resources";
import { ETCD_PORTS, EtcdTopology, etcdFlags } from "./etcd-config";
import { MEMBER_DATA_DIR, MEMBER_TLS_DIR, memberStartScript, removeMembersScript } from "./etcd-membership";
import {
    ETCD_CONTAINER_SECURITY, ETCD_POD_SECURITY, EtcdctlAccess, ScriptImages, copyShell, scriptJobSpec, shellCommand, shellMount, shellVolume,
} from "./etcd-jobs";

/** Key of the bootstrap ConfigMap that holds `initialCluster(topology)`. */
export const BOOTSTRAP_KEY = "initial-cluster";

/** Options of `memberStatefulSetSpec`. */
export interface MemberSpecOptions {
    /** Members. */
    replicas: number;
    /** Pod labels (the selector's included). */
    labels: Record<string, string>;
    /** The selector. */
    selector: Record<string, string>;
    /** Affinity (node role and host spread). */
    affinity?: k8s.types.input.core.v1.Affinity;
    /** Tolerations. */
    tolerations?: pulumi.Input<k8s.types.input.core.v1.Toleration[]>;
    /** etcd and busybox images. */
    images: ScriptImages;
    /** Member container resources. */
    resources: ResourceRequirements;
    /** Backend quota in bytes. */
    quotaBackendBytes: number;
    /** Name of the server TLS Secret. */
    serverTlsSecretName: pulumi.Input<string>;
    /** Fixed name of the Secret with the root `password` (a joining member needs root for `member add`). */
    rootSecretName: string;
    /** Fixed name of the bootstrap ConfigMap. */
    bootstrapConfigMapName: string;
    /** StorageClass of the data PVCs. @default the cluster's default class */
    storageClass?: pulumi.Input<string>;
    /** Size of each data PVC. */
    storageSize: string;
}

/** The members' StatefulSet spec: a start script that picks `new` or `existing`, and PVCs deleted on scale-down. */
export function memberStatefulSetSpec(t: EtcdTopology, serviceName: pulumi.Input<string>, o: MemberSpecOptions): k8s.types.input.apps.v1.StatefulSetSpec {
    const health = (path: string, periodSeconds: number, failureThreshold: number) => ({ httpGet: { path, port: ETCD_PORTS.metrics }, periodSeconds, failureThreshold });
    return {
        serviceName,
        replicas: o.replicas,
        // all members of a new cluster must start together to form the initial quorum
        podManagementPolicy: "Parallel",
        selector: { matchLabels: o.selector },
        updateStrategy: { type: "RollingUpdate" },
        template: {
            metadata: { labels: o.labels },
            spec: {
                affinity: o.affinity,
                tolerations: o.tolerations,
                securityContext: ETCD_POD_SECURITY,
                terminationGracePeriodSeconds: 30,
                initContainers: [copyShell(o.images.busybox)],
                containers: [{
                    name: "etcd",
                    image: o.images.etcd,
                    // the script execs etcd with these args and the --initial-cluster* flags it chose
                    command: [...shellCommand(memberStartScript(t)), "etcd-start"],
                    args: etcdFlags(t, { clusterToken: `${t.namespace}-etcd`, quotaBackendBytes: o.quotaBackendBytes, tlsDir: MEMBER_TLS_DIR, dataDir: MEMBER_DATA_DIR }),
                    env: [
                        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                        { name: "BOOTSTRAP_CLUSTER", valueFrom: { configMapKeyRef: { name: o.bootstrapConfigMapName, key: BOOTSTRAP_KEY } } },
                        { name: "ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: o.rootSecretName, key: "password" } } },
                    ],
                    ports: [
                        { name: "client", containerPort: ETCD_PORTS.client },
                        { name: "peer", containerPort: ETCD_PORTS.peer },
                        { name: "metrics", containerPort: ETCD_PORTS.metrics },
                    ],
                    resources: toK8s(o.resources),
                    securityContext: ETCD_CONTAINER_SECURITY,
                    // etcd 3.6's endpoints, as kubeadm probes them: /livez reads locally (a lost quorum must
                    // not restart every member), /readyz also needs a linearizable read (quorum)
                    startupProbe: health("/livez", 5, 60),
                    livenessProbe: health("/livez", 10, 6),
                    readinessProbe: health("/readyz", 5, 3),
                    volumeMounts: [
                        { name: "data", mountPath: "/var/run/etcd" },
                        { name: "tls", mountPath: MEMBER_TLS_DIR, readOnly: true },
                        shellMount,
                    ],
                }],
                volumes: [{ name: "tls", secret: { secretName: o.serverTlsSecretName, defaultMode: 0o440 } }, shellVolume],
            },
        },
        volumeClaimTemplates: [{
            metadata: { name: "data", labels: o.labels },
            spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: o.storageClass,
                resources: { requests: { storage: o.storageSize } },
            },
        }],
        // A member removed by a scale-down leaves the member list (the remove-members Job) and its
        // volume goes with it: a later scale-up starts that ordinal empty, and it joins as new.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Delete" },
    };
}

/**
 * The Job that removes members at or above `replicas` from the member list. Its spec carries the
 * count, so a changed count replaces (re-runs) it; `EtcdCluster` runs it after the StatefulSet.
 */
export function removeMembersJobSpec(t: EtcdTopology, a: EtcdctlAccess, images: ScriptImages, labels: Record<string, string>): k8s.types.input.batch.v1.JobSpec {
    return scriptJobSpec({ name: "remove-members", script: removeMembersScript(t), backoffLimit: 6, env: [{ name: "REPLICAS", value: `${t.replicas}` }] }, a, images, labels);
}
