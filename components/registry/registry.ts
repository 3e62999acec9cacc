/**
 * The platform image registry (CNCF distribution): the founding design's "registries/repositories
 * with tagged images". Apps built by the Code Center are pushed here and tenants pull from here.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements, isHighlyAvailable } from "../core/types";
import { standardLabels, selectorLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources, toK8s } from "../core/resources";
import { REGISTRY_IMAGE } from "../versions";
import { RandomSecret } from "../secrets/random-secret";
import { Certificate } from "../secrets/certificate";
import { REGISTRY_PORTS, htpasswdLine, renderDockerConfigJson, renderRegistryConfig } from "./registry-config";
import { CONTAINER_SECURITY, POD_SECURITY, RegistryPodParts, RegistrySettings, garbageCollection } from "./registry-gc";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** Blobs in the Ceph object store through an ObjectBucketClaim (staging/prod). */
export interface S3RegistryStorage {
    type: "s3";
    /** StorageClass of the ObjectBucketClaim (RookCeph's `bucketStorageClass`). */
    bucketStorageClass: pulumi.Input<string>;
}

/** Blobs on a PVC (local/dev). */
export interface FilesystemRegistryStorage {
    type: "filesystem";
    /** StorageClass. @default the cluster default */
    storageClass?: pulumi.Input<string>;
    /** Size. @default registryDefaults(environment).size: 5Gi in local, 20Gi elsewhere */
    size?: string;
    /** Access mode; more than one replica needs ReadWriteMany. @default "ReadWriteOnce" */
    accessMode?: "ReadWriteOnce" | "ReadWriteMany";
}

/** Where the registry's TLS certificate comes from. */
export type RegistryTls =
    | { ca: { certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> } }
    | { secretName: pulumi.Input<string> };

/** What `Registry` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function registryDefaults(env: Environment): { replicas: number; size: string } {
    return { replicas: isHighlyAvailable(env) ? 2 : 1, size: env === "local" ? "5Gi" : "20Gi" };
}

/** Arguments of `Registry`. */
export interface RegistryArgs extends CommonArgs {
    /** Base domain; the registry is `registry.<domain>`. */
    domain: string;
    /** Blob storage. */
    storage: S3RegistryStorage | FilesystemRegistryStorage;
    /** TLS: a certificate issued by the platform CA, or an existing `kubernetes.io/tls` Secret in the namespace. */
    tls: RegistryTls;
    /** Namespace (created). @default "containercloud-registry" */
    namespace?: string;
    /** Replicas. @default registryDefaults(environment).replicas: 2 in staging/prod, 1 elsewhere */
    replicas?: number;
    /** Pull-through cache of an upstream registry (a proxy registry accepts no pushes). @default none */
    proxy?: { remoteUrl: string; username?: pulumi.Input<string>; password?: pulumi.Input<string> };
    /** Cron schedule of garbage collection. @default "0 3 * * 6" (Saturdays 03:00) */
    gcSchedule?: string;
    /** Registry user created for the platform. @default "platform" */
    username?: string;
    /** Registry container resources. @default requests 100m/256Mi, limits 1/1Gi */
    resources?: ResourceRequirements;
}


/**
 * A distribution registry with htpasswd auth (generated credentials), TLS, S3 (Ceph RGW) or
 * filesystem storage, metrics on the debug port, and weekly garbage collection in read-only mode.
 * Publishes a dockerconfigjson for tenant namespaces.
 */
export class Registry extends pulumi.ComponentResource {
    /** `registry.<domain>`. */
    public readonly host: string;
    /** `registry.<ns>.svc:5000`. */
    public readonly internalHost: pulumi.Output<string>;
    /** dockerconfigjson for both hosts (secret). */
    public readonly dockerConfigJson: pulumi.Output<string>;
    /** The platform user's password (secret). */
    public readonly password: pulumi.Output<string>;
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** Resolved replicas. */
    public readonly replicas: number;

    constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:registry:Registry", name, {}, opts);
        const defaults = registryDefaults(args.environment);
        this.replicas = args.replicas ?? defaults.replicas;
        const nsName = args.namespace ?? "containercloud-registry";
        const username = args.username ?? "platform";
        const gcSchedule = args.gcSchedule ?? "0 3 * * 6";
        const res = args.resources ?? resources("100m", "256Mi", "1", "1Gi");
        const image = mirrorImage(REGISTRY_IMAGE, args.imageMirror);
        const rwo = args.storage.type === "filesystem" && (args.storage.accessMode ?? "ReadWriteOnce") === "ReadWriteOnce";
        if (!Number.isInteger(this.replicas) || this.replicas < 1) {
            throw new pulumi.ResourceError(`registry ${name}: registry.replicas must be a positive integer (got ${this.replicas})`, this);
        }
        if (rwo && this.replicas > 1) {
            throw new pulumi.ResourceError(`registry ${name}: registry.replicas ${this.replicas} needs shared storage: use registry.storage.type s3 or accessMode ReadWriteMany`, this);
        }
        if (args.proxy && !/^https?:\/\//.test(args.proxy.remoteUrl)) {
            throw new pulumi.ResourceError(`registry ${name}: registry.proxy.remoteUrl "${args.proxy.remoteUrl}" must be an http(s) URL`, this);
        }
        this.host = `registry.${args.domain}`;
        const labels = standardLabels("registry", "registry", args.labels ?? {});

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // nodes pull (and the builder pushes) on the API port, which requires credentials
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels, openPorts: ["https"] }, { parent: this });
        const s: RegistrySettings = {
            name, args, nsName, namespace, labels, defaults, username, gcSchedule, res, image, rwo,
            selector: selectorLabels("registry", "registry"),
            meta: (n: string) => ({ name: n, namespace, labels }),
            // Credentials and config the registry reads at start carry generated names: a changed one is
            // created anew under a new name, which rolls the pods onto it (README, "How to add a component").
            generatedName: { namespace, labels },
            configPath: "/etc/distribution/config.yml",
        };
        const { password, htpasswd, secrets } = this.credentials(s);
        const parts = this.podParts(s, secrets, htpasswd, this.tlsSecret(s));
        const { deployment, svc } = this.registry(s, parts);
        garbageCollection(this, s, parts, deployment);


        this.internalHost = pulumi.interpolate`${svc.metadata.name}.${namespace}.svc:${REGISTRY_PORTS.http}`;
        this.password = pulumi.secret(password.result);
        this.dockerConfigJson = pulumi.secret(pulumi.all([this.internalHost, password.result]).apply(([internal, pw]) =>
            renderDockerConfigJson([this.host, internal], username, pw ?? "")));
        this.namespaceName = namespace;
        this.registerOutputs({ host: this.host, internalHost: this.internalHost, namespaceName: this.namespaceName });
    }

    /** The generated platform password (htpasswd) and HTTP secret, and the proxy credentials. */
    private credentials(s: RegistrySettings): { password: RandomSecret; htpasswd: k8s.core.v1.Secret; secrets: k8s.core.v1.Secret } {
        const { name, args, generatedName, username } = s;
        const password = new RandomSecret(`${name}-password`, { length: 32, bcrypt: true }, { parent: this });
        const httpSecret = new RandomSecret(`${name}-http-secret`, { length: 48 }, { parent: this });
        const htpasswd = new k8s.core.v1.Secret(`${name}-htpasswd`, {
            metadata: generatedName,
            stringData: { htpasswd: password.bcryptHash.apply((h) => htpasswdLine(username, h ?? "")) },
        }, { parent: this });
        const secrets = new k8s.core.v1.Secret(`${name}-secrets`, {
            metadata: generatedName,
            stringData: {
                "http-secret": httpSecret.result,
                ...(args.proxy?.username !== undefined ? { "proxy-username": args.proxy.username } : {}),
                ...(args.proxy?.password !== undefined ? { "proxy-password": pulumi.secret(args.proxy.password) } : {}),
            },
        }, { parent: this });
        return { password, htpasswd, secrets };
    }

    /** The serving certificate: issued by the platform CA, or the named Secret; returns the Secret name. */
    private tlsSecret(s: RegistrySettings): pulumi.Input<string> {
        const { name, args, nsName, generatedName } = s;
        if ("ca" in args.tls) {
            const cert = new Certificate(`${name}-cert`, {
                caCertPem: args.tls.ca.certPem,
                caKeyPem: args.tls.ca.keyPem,
                commonName: this.host,
                dnsNames: [this.host, `registry.${nsName}.svc`, `registry.${nsName}.svc.cluster.local`, `registry.${nsName}`, "registry"],
                usages: ["server"],
            }, { parent: this });
            const tls = new k8s.core.v1.Secret(`${name}-tls`, {
                metadata: generatedName,
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": cert.certPem, "tls.key": cert.keyPem, "ca.crt": cert.caCertPem },
            }, { parent: this });
            return tls.metadata.name;
        }
        return args.tls.secretName;
    }

    /** The config, the blob storage (a bucket claim or a PVC) and what the registry pods mount and read from them. */
    private podParts(s: RegistrySettings, secrets: k8s.core.v1.Secret, htpasswd: k8s.core.v1.Secret, tlsSecretName: pulumi.Input<string>): RegistryPodParts {
        const { name, args, meta, generatedName, defaults } = s;
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: generatedName,
            data: {
                "config.yml": renderRegistryConfig({
                    storage: args.storage.type,
                    rootDirectory: "/var/lib/registry",
                    s3Region: "us-east-1",
                    htpasswdPath: "/etc/distribution/auth/htpasswd",
                    realm: this.host,
                    tls: { certificate: "/etc/distribution/tls/tls.crt", key: "/etc/distribution/tls/tls.key" },
                    proxyRemoteUrl: args.proxy?.remoteUrl,
                    logLevel: "info",
                }),
            },
        }, { parent: this });

        const env: k8s.types.input.core.v1.EnvVar[] = [
            { name: "REGISTRY_HTTP_SECRET", valueFrom: { secretKeyRef: { name: secrets.metadata.name, key: "http-secret" } } },
        ];
        if (args.proxy?.username !== undefined) {
            env.push({ name: "REGISTRY_PROXY_USERNAME", valueFrom: { secretKeyRef: { name: secrets.metadata.name, key: "proxy-username" } } });
        }
        if (args.proxy?.password !== undefined) {
            env.push({ name: "REGISTRY_PROXY_PASSWORD", valueFrom: { secretKeyRef: { name: secrets.metadata.name, key: "proxy-password" } } });
        }
        const dataVolumes: k8s.types.input.core.v1.Volume[] = [];
        const dataMounts: k8s.types.input.core.v1.VolumeMount[] = [];
        if (args.storage.type === "s3") {
            // The bucket provisioner writes a ConfigMap and a Secret named after the claim.
            const obc = new k8s.apiextensions.CustomResource(`${name}-bucket`, {
                apiVersion: "objectbucket.io/v1alpha1",
                kind: "ObjectBucketClaim",
                metadata: meta("registry-blobs"),
                spec: { generateBucketName: "registry", storageClassName: args.storage.bucketStorageClass },
            }, { parent: this });
            const obcName = obc.metadata.name;
            env.push(
                { name: "BUCKET_HOST", valueFrom: { configMapKeyRef: { name: obcName, key: "BUCKET_HOST" } } },
                { name: "BUCKET_PORT", valueFrom: { configMapKeyRef: { name: obcName, key: "BUCKET_PORT" } } },
                { name: "REGISTRY_STORAGE_S3_BUCKET", valueFrom: { configMapKeyRef: { name: obcName, key: "BUCKET_NAME" } } },
                { name: "REGISTRY_STORAGE_S3_REGIONENDPOINT", value: "http://$(BUCKET_HOST):$(BUCKET_PORT)" },
                { name: "REGISTRY_STORAGE_S3_ACCESSKEY", valueFrom: { secretKeyRef: { name: obcName, key: "AWS_ACCESS_KEY_ID" } } },
                { name: "REGISTRY_STORAGE_S3_SECRETKEY", valueFrom: { secretKeyRef: { name: obcName, key: "AWS_SECRET_ACCESS_KEY" } } },
            );
        } else {
            const pvc = new k8s.core.v1.PersistentVolumeClaim(`${name}-data`, {
                metadata: meta("registry-data"),
                spec: {
                    accessModes: [args.storage.accessMode ?? "ReadWriteOnce"],
                    storageClassName: args.storage.storageClass,
                    resources: { requests: { storage: args.storage.size ?? defaults.size } },
                },
            }, { parent: this });
            dataVolumes.push({ name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } });
            dataMounts.push({ name: "data", mountPath: "/var/lib/registry" });
        }

        const volumes: k8s.types.input.core.v1.Volume[] = [
            { name: "config", configMap: { name: config.metadata.name } },
            { name: "auth", secret: { secretName: htpasswd.metadata.name } },
            { name: "tls", secret: { secretName: tlsSecretName } },
            ...dataVolumes,
        ];
        const mounts: k8s.types.input.core.v1.VolumeMount[] = [
            { name: "config", mountPath: "/etc/distribution/config.yml", subPath: "config.yml", readOnly: true },
            { name: "auth", mountPath: "/etc/distribution/auth", readOnly: true },
            { name: "tls", mountPath: "/etc/distribution/tls", readOnly: true },
            ...dataMounts,
        ];
        return { env, volumes, mounts };
    }

    /** The registry Deployment, its Service and, with more than one replica, a disruption budget. */
    private registry(s: RegistrySettings, parts: RegistryPodParts): { deployment: k8s.apps.v1.Deployment; svc: k8s.core.v1.Service } {
        const { name, labels, selector, meta, res, image, rwo, configPath } = s;
        const deployment = new k8s.apps.v1.Deployment(`${name}`, {
            metadata: meta("registry"),
            spec: {
                replicas: this.replicas,
                selector: { matchLabels: selector },
                // a ReadWriteOnce volume cannot be attached to the new pod while the old one holds it
                strategy: rwo ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: {
                        labels: { ...labels, ...selector },
                        annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": `${REGISTRY_PORTS.debug}` },
                    },
                    spec: {
                        securityContext: POD_SECURITY,
                        affinity: this.replicas > 1 ? {
                            podAntiAffinity: {
                                preferredDuringSchedulingIgnoredDuringExecution: [{
                                    weight: 100,
                                    podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" },
                                }],
                            },
                        } : undefined,
                        containers: [{
                            name: "registry",
                            image,
                            args: [configPath],
                            env: parts.env,
                            ports: [
                                { name: "https", containerPort: REGISTRY_PORTS.http },
                                { name: "debug", containerPort: REGISTRY_PORTS.debug },
                            ],
                            readinessProbe: { httpGet: { path: "/debug/health", port: REGISTRY_PORTS.debug }, periodSeconds: 10 },
                            livenessProbe: { tcpSocket: { port: REGISTRY_PORTS.http }, periodSeconds: 20, failureThreshold: 6 },
                            resources: toK8s(res),
                            securityContext: CONTAINER_SECURITY,
                            volumeMounts: parts.mounts,
                        }],
                        volumes: parts.volumes,
                    },
                },
            },
        }, { parent: this });

        const svc = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: meta("registry"),
            spec: {
                selector,
                ports: [
                    { name: "https", port: REGISTRY_PORTS.http, targetPort: REGISTRY_PORTS.http },
                    { name: "metrics", port: REGISTRY_PORTS.debug, targetPort: REGISTRY_PORTS.debug },
                ],
            },
        }, { parent: this });

        if (this.replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: meta("registry"),
                spec: { minAvailable: this.replicas - 1, selector: { matchLabels: selector } },
            }, { parent: this });
        }
        return { deployment, svc };
    }
}
