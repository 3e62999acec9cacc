/**
 * The registry's garbage collection, and what the `Registry` component's steps share: a weekly
 * CronJob whose pod switches the registry to read-only, runs `registry garbage-collect` on its
 * storage, and switches it back, one step per container (registry-config.ts garbageCollectSteps).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { mirrorImage } from "../core/images";
import { cronSchedule } from "../core/cron";
import { resources, toK8s } from "../core/resources";
import { ResourceRequirements } from "../core/types";
import { KUBECTL_IMAGE } from "../versions";
import { GC_STATUS_DIR, GcStep, garbageCollectSteps } from "./registry-config";
import type { RegistryArgs, registryDefaults } from "./registry";


/** Pod security context of the registry and its GC job (the image runs as 1000). */
export const POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
/** Container security context of every registry container. */
export const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

/** What `Registry`'s steps share: the resolved args and the namespace. */
export interface RegistrySettings {
    name: string;
    args: RegistryArgs;
    nsName: string;
    namespace: pulumi.Output<string>;
    labels: Record<string, string>;
    selector: Record<string, string>;
    meta: (n: string) => { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> };
    generatedName: { namespace: pulumi.Output<string>; labels: Record<string, string> };
    defaults: ReturnType<typeof registryDefaults>;
    username: string;
    gcSchedule: string;
    res: ResourceRequirements;
    image: string;
    rwo: boolean;
    configPath: string;
}

/** What a registry pod reads: its environment, volumes and mounts (the GC job reuses them). */
export interface RegistryPodParts {
    env: k8s.types.input.core.v1.EnvVar[];
    volumes: k8s.types.input.core.v1.Volume[];
    mounts: k8s.types.input.core.v1.VolumeMount[];
}

/** Weekly garbage collection: a CronJob that puts the registry in read-only mode while it runs, with the RBAC to do so. */
export function garbageCollection(parent: pulumi.Resource, s: RegistrySettings, parts: RegistryPodParts, deployment: k8s.apps.v1.Deployment): void {
    const { name, args, namespace, labels, selector, meta, gcSchedule, res, image, rwo, configPath } = s;
    const gcSa = new k8s.core.v1.ServiceAccount(`${name}-gc`, { metadata: meta("registry-gc") }, { parent });
    const gcRole = new k8s.rbac.v1.Role(`${name}-gc`, {
        metadata: meta("registry-gc"),
        rules: [
            { apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["registry"], verbs: ["get", "patch"] },
            { apiGroups: ["apps"], resources: ["deployments", "replicasets"], verbs: ["list", "watch"] },
            { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
        ],
    }, { parent });
    new k8s.rbac.v1.RoleBinding(`${name}-gc`, {
        metadata: meta("registry-gc"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: gcRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: gcSa.metadata.name, namespace }],
    }, { parent });
    const small = toK8s(resources("20m", "32Mi", "200m", "128Mi"));
    const kubectlImage = mirrorImage(KUBECTL_IMAGE, args.imageMirror);
    const steps = garbageCollectSteps(s.nsName, "registry", configPath);
    const statusMount = { name: "gc-status", mountPath: GC_STATUS_DIR };
    // kubectl steps run in Kubernetes' kubectl image; the collection and the result in the registry's, with its storage.
    const container = (step: GcStep): k8s.types.input.core.v1.Container => step.image === "kubectl"
        ? { name: step.name, image: kubectlImage, args: step.args, resources: small, securityContext: CONTAINER_SECURITY }
        : {
            name: step.name,
            image,
            command: ["/bin/sh", "-c", step.script],
            env: parts.env,
            resources: step.name === "garbage-collect" ? toK8s(res) : small,
            securityContext: CONTAINER_SECURITY,
            volumeMounts: [...parts.mounts, statusMount],
        };
    new k8s.batch.v1.CronJob(`${name}-gc`, {
        metadata: meta("registry-gc"),
        spec: {
            ...cronSchedule(gcSchedule),
            concurrencyPolicy: "Forbid",
            successfulJobsHistoryLimit: 2,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
                spec: {
                    backoffLimit: 0,
                    template: {
                        // not the registry's component label: the registry Service must never route to this pod
                        metadata: { labels: { ...labels, "app.kubernetes.io/component": "garbage-collection" } },
                        spec: {
                            serviceAccountName: gcSa.metadata.name,
                            restartPolicy: "Never",
                            securityContext: POD_SECURITY,
                            // the RWO data volume can only be mounted on the registry's node
                            affinity: rwo ? {
                                podAffinity: {
                                    requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" }],
                                },
                            } : undefined,
                            initContainers: steps.slice(0, -1).map(container),
                            containers: steps.slice(-1).map(container),
                            volumes: [...parts.volumes, { name: "gc-status", emptyDir: { sizeLimit: "1Mi" } }],
                        },
                    },
                },
            },
        },
    }, { parent, dependsOn: [deployment] });
}
