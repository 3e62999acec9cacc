/**
 * Code Center: code storage, and building code into images for deployment. Gitea (Git hosting)
 * on a PostgreSQL instance from the Services catalog, and a BuildKit daemon that builds images
 * without a Docker daemon and pushes them to the platform registry.
 *
 * BuildKit runs privileged (upstream's non-rootless image), in a namespace of its own that only
 * the Code Center's namespace may reach. Rootless BuildKit would need, beside Pod Security
 * `privileged` for its unconfined seccomp profile, rootlesskit and the setuid newuidmap/newgidmap
 * (so privilege escalation allowed) to map a range of uids in its user namespace; the privileged
 * daemon is the mode that was run on the local cluster's nodes, and every environment runs the same.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { RegistryContext } from "../core/context";
import { BUILDKIT_IMAGE, GITEA_IMAGE } from "../versions";

/** uid/gid of the `git` user of Gitea's rootless image. */
export const GITEA_UID = 1000;
import { platformHosts, renderIngressSpec } from "./app-router";
import { BackingService } from "./backing-service";
import { RandomSecret } from "../secrets";
import { TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, governingService, restrictedContainerSecurityContext, restrictedPodSecurityContext, singleCheckProbes } from "./workload";
import { policyExemptionAnnotation } from "../core/policy-exemptions";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/**
 * Gitea's env configuration (`GITEA__section__KEY`), database values read from the binding
 * Secret. `DB_HOST`/`DB_PORT` come first so the kubelet can expand `$(DB_HOST):$(DB_PORT)`.
 */
export function giteaEnv(domain: string, dbSecret: pulumi.Input<string>, appSecret: pulumi.Input<string>): EnvVar[] {
    const fromDb = (key: string) => ({ valueFrom: { secretKeyRef: { name: dbSecret, key } } });
    const fromApp = (key: string) => ({ valueFrom: { secretKeyRef: { name: appSecret, key } } });
    const host = platformHosts(domain).git;
    return [
        { name: "DB_HOST", ...fromDb("host") },
        { name: "DB_PORT", ...fromDb("port") },
        { name: "GITEA__database__DB_TYPE", value: "postgres" },
        { name: "GITEA__database__HOST", value: "$(DB_HOST):$(DB_PORT)" },
        { name: "GITEA__database__NAME", ...fromDb("database") },
        { name: "GITEA__database__USER", ...fromDb("username") },
        { name: "GITEA__database__PASSWD", ...fromDb("password") },
        { name: "GITEA__server__DOMAIN", value: host },
        { name: "GITEA__server__ROOT_URL", value: `https://${host}/` },
        { name: "GITEA__server__HTTP_PORT", value: "3000" },
        { name: "GITEA__server__DISABLE_SSH", value: "true" },
        { name: "GITEA__security__INSTALL_LOCK", value: "true" },
        { name: "GITEA__security__SECRET_KEY", ...fromApp("secret-key") },
        { name: "GITEA__security__INTERNAL_TOKEN", ...fromApp("internal-token") },
        { name: "GITEA__actions__ENABLED", value: "true" },
    ];
}

/** Name of the Secret (in Gitea's namespace) with the administrator's `username` and `password`. */
export const GITEA_ADMIN_SECRET = "gitea-admin";

/** User name of the Gitea administrator the Code Center creates (Gitea reserves `admin`). */
export const GITEA_ADMIN_USER = "containercloud-admin";

/**
 * What Gitea's init container runs before the server: app.ini from the environment (the image's
 * docker-setup.sh), the database schema (`gitea migrate`), and the administrator from
 * `$GITEA_ADMIN_USERNAME`/`$GITEA_ADMIN_PASSWORD` (created once, its password set on every start
 * so a rotated Secret takes effect).
 */
export function giteaInitScript(): string {
    return [
        "set -eu",
        "/usr/local/bin/docker-setup.sh",
        "gitea migrate",
        "if gitea admin user list --admin | awk 'NR > 1 { print $2 }' | grep -qx \"$GITEA_ADMIN_USERNAME\"; then",
        "    gitea admin user change-password --username \"$GITEA_ADMIN_USERNAME\" --password \"$GITEA_ADMIN_PASSWORD\" --must-change-password=false",
        "else",
        "    gitea admin user create --admin --username \"$GITEA_ADMIN_USERNAME\" --password \"$GITEA_ADMIN_PASSWORD\" --email \"$GITEA_ADMIN_USERNAME@users.noreply.local\" --must-change-password=false",
        "fi",
        "",
    ].join("\n");
}

/** The `buildkitd` flags: the local socket its probes and `kubectl exec` use, and TCP for the Service. */
export const BUILDKITD_ARGS = ["--addr", "unix:///run/buildkit/buildkitd.sock", "--addr", "tcp://0.0.0.0:1234"];

/**
 * The `buildctl` arguments a CI job runs against the builder to build `context` and push it to
 * `image` (reference with the platform registry host).
 */
export function buildctlArgs(builderAddress: string, image: string, context = ".", dockerfile = "."): string[] {
    return [
        "--addr", builderAddress,
        "build",
        "--frontend", "dockerfile.v0",
        "--local", `context=${context}`,
        "--local", `dockerfile=${dockerfile}`,
        "--output", `type=image,name=${image},push=true`,
    ];
}

/** What `CodeCenter` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function codeCenterDefaults(env: Environment): { repositoryStorage: string } {
    const repositoryStorage: Record<Environment, string> = { local: "2Gi", dev: "5Gi", staging: "20Gi", prod: "100Gi" };
    return { repositoryStorage: repositoryStorage[env] };
}

/** Arguments of `CodeCenter`. */
export interface CodeCenterArgs extends CommonArgs {
    /** Base domain: Gitea is `git.<domain>`. */
    domain: string;
    /** Namespace of Gitea. @default "containercloud-code" */
    namespace?: string;
    /** Namespace of the builder (Pod Security privileged: BuildKit runs privileged). @default "containercloud-builds" */
    buildNamespace?: string;
    /** Block StorageClass for repositories and the database. */
    storageClass: pulumi.Input<string>;
    /** Repository volume size. @default codeCenterDefaults(environment).repositoryStorage: 100Gi in prod, 20Gi in staging, 5Gi in dev, 2Gi in local */
    repositoryStorage?: string;
    /** Platform registry the builder pushes to. Required when the builder is on. */
    registry?: RegistryContext;
    /** Run the image builder. @default true */
    builder?: boolean;
    /** IngressClass for Gitea's route. @default none (no Ingress) */
    ingressClassName?: string;
    /** Gitea resources. @default 100m/256Mi requests, 1/1Gi limits */
    giteaResources?: ResourceRequirements;
    /** Builder resources. @default 250m/512Mi requests, 2/2Gi limits */
    builderResources?: ResourceRequirements;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Code Center: Gitea with its PostgreSQL, and a BuildKit builder. */
export class CodeCenter extends pulumi.ComponentResource {
    /** Gitea URL. */
    public readonly gitUrl: string;
    /** Name of the Secret (in Gitea's namespace) with the administrator's `username` and `password`. */
    public readonly adminSecretName: string;
    /** Address CI jobs give `buildctl --addr`; undefined without the builder. */
    public readonly builderAddress?: string;
    /** Gitea's database. */
    public readonly database: BackingService;
    /** What the module reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: CodeCenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:CodeCenter", name, {}, opts);
        const nsName = args.namespace ?? "containercloud-code";
        const buildNsName = args.buildNamespace ?? "containercloud-builds";
        const withBuilder = args.builder ?? true;
        if (withBuilder && !args.registry) {
            throw new pulumi.ResourceError("codeCenter.builder needs the platform registry to push to: enable containercloud:registry or set appEngine.codeCenter.builder to false", this);
        }
        const giteaRes = args.giteaResources ?? resources("100m", "256Mi", "1", "1Gi");
        const builderRes = args.builderResources ?? resources("250m", "512Mi", "2", "2Gi");
        const repoStorage = args.repositoryStorage ?? codeCenterDefaults(args.environment).repositoryStorage;
        const host = platformHosts(args.domain).git;

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: nsName, labels: { ...standardLabels(nsName, "code-center", args.labels), ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // Gitea's web and git port for the router and clones; its database only for the namespace
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels: standardLabels(nsName, "code-center", args.labels), openPorts: ["http"] }, { parent: this });

        this.database = new BackingService(`${name}-gitea-db`, {
            type: "postgres",
            namespace,
            instanceName: "gitea-db",
            database: "gitea",
            storageClass: args.storageClass,
            imageMirror: args.imageMirror,
            priorityClassName: args.priorityClassName,
            labels: args.labels,
        }, { parent: this });

        const gt = { labels: standardLabels("gitea", "code-center", args.labels), selector: selectorLabels("gitea", "code-center") };
        const secretKey = new RandomSecret(`${name}-gitea-secret-key`, { length: 64 }, { parent: this });
        const internalToken = new RandomSecret(`${name}-gitea-internal-token`, { length: 64 }, { parent: this });
        const appSecret = new k8s.core.v1.Secret(`${name}-gitea-secrets`, {
            metadata: { namespace, labels: gt.labels },
            stringData: { "secret-key": secretKey.result, "internal-token": internalToken.result },
        }, { parent: this });
        const adminPassword = new RandomSecret(`${name}-gitea-admin-password`, { length: 32 }, { parent: this });
        // A fixed name: operators and the smoke test read the administrator's credentials from it. The
        // pods take it by name as text (with dependsOn), so a new password never replaces the StatefulSet.
        const adminSecret = new k8s.core.v1.Secret(`${name}-gitea-admin`, {
            metadata: { name: GITEA_ADMIN_SECRET, namespace, labels: gt.labels },
            stringData: { username: GITEA_ADMIN_USER, password: adminPassword.result },
        }, { parent: this });
        const svc = new k8s.core.v1.Service(`${name}-gitea-svc`, {
            metadata: { name: "gitea", namespace, labels: gt.labels },
            spec: { selector: gt.selector, ports: [{ name: "http", port: 80, targetPort: "http" }] },
        }, { parent: this });
        const headless = governingService(`${name}-gitea-headless`, {
            name: "gitea-headless", namespace, labels: gt.labels, selector: gt.selector, ports: [{ name: "http", port: 3000, targetPort: "http" }],
        }, { parent: this });
        const image = mirrorImage(GITEA_IMAGE, args.imageMirror);
        const env = giteaEnv(args.domain, this.database.bindingSecretName, appSecret.metadata.name);
        // The rootless image writes app.ini from the env at start: /etc/gitea must be writable.
        const mounts = [{ name: "data", mountPath: "/var/lib/gitea" }, { name: "config", mountPath: "/etc/gitea" }, TMP_MOUNT];
        new k8s.apps.v1.StatefulSet(`${name}-gitea`, {
            metadata: { name: "gitea", namespace, labels: gt.labels },
            spec: {
                serviceName: headless.metadata.name,
                replicas: 1,
                selector: { matchLabels: gt.selector },
                template: {
                    metadata: { labels: gt.labels },
                    spec: {
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(GITEA_UID),
                        initContainers: [{
                            name: "init",
                            image,
                            command: ["/bin/bash", "-c", giteaInitScript()],
                            env: [
                                ...env,
                                { name: "GITEA_ADMIN_USERNAME", valueFrom: { secretKeyRef: { name: GITEA_ADMIN_SECRET, key: "username" } } },
                                { name: "GITEA_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: GITEA_ADMIN_SECRET, key: "password" } } },
                            ],
                            resources: containerResources(giteaRes),
                            securityContext: restrictedContainerSecurityContext(),
                            volumeMounts: mounts,
                        }],
                        containers: [{
                            name: "gitea",
                            image,
                            env,
                            ports: [{ name: "http", containerPort: 3000 }],
                            resources: containerResources(giteaRes),
                            securityContext: restrictedContainerSecurityContext(),
                            // /api/healthz also checks the database and cache: as liveness, a database restart would restart Gitea
                            ...singleCheckProbes({ httpGet: { path: "/api/healthz", port: "http" }, periodSeconds: 10, initialDelaySeconds: 10 }, "http", { periodSeconds: 30, initialDelaySeconds: 60 }),
                            startupProbe: { httpGet: { path: "/api/healthz", port: "http" }, periodSeconds: 5, failureThreshold: 60 },
                            volumeMounts: mounts,
                        }],
                        volumes: [{ name: "config", emptyDir: {} }, TMP_VOLUME],
                    },
                },
                volumeClaimTemplates: [{
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: repoStorage } } },
                }],
            },
        }, { parent: this, dependsOn: [this.database, adminSecret] });
        if (args.ingressClassName) {
            new k8s.networking.v1.Ingress(`${name}-gitea-ingress`, {
                metadata: { name: "gitea", namespace, labels: gt.labels },
                spec: renderIngressSpec(args.ingressClassName, [{ host, paths: ["/"], serviceName: svc.metadata.name, servicePort: 80, tls: true }]),
            }, { parent: this });
        }
        this.footprint = [
            { module: "code-center", name: "gitea", replicas: 1, containers: [giteaRes], storage: repoStorage },
            ...this.database.footprint.map((f) => ({ ...f, module: "code-center" })),
        ];

        if (withBuilder && args.registry) {
            this.builder(name, args, args.registry, nsName, buildNsName, builderRes);
            this.builderAddress = `tcp://buildkitd.${buildNsName}.svc:1234`;
            this.footprint.push({ module: "code-center", name: "buildkitd", replicas: 1, containers: [builderRes] });
        }

        this.gitUrl = `https://${host}`;
        this.adminSecretName = GITEA_ADMIN_SECRET;
        this.registerOutputs({ gitUrl: this.gitUrl, builderAddress: this.builderAddress, adminSecretName: this.adminSecretName });
    }

    /**
     * The image builder: BuildKit, privileged, in a namespace of its own (Pod Security privileged)
     * that only the Code Center's namespace may reach, with push credentials for the platform registry.
     */
    private builder(name: string, args: CodeCenterArgs, registry: NonNullable<CodeCenterArgs["registry"]>, codeNsName: string, buildNsName: string, builderRes: ResourceRequirements): void {
        const bk = { labels: standardLabels("buildkitd", "code-center", args.labels), selector: selectorLabels("buildkitd", "code-center") };
        const bns = new k8s.core.v1.Namespace(`${name}-builds-ns`, {
            metadata: { name: buildNsName, labels: { ...standardLabels(buildNsName, "code-center", args.labels), ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "privileged" } },
        }, { parent: this });
        const bnamespace = bns.metadata.name;
        // nothing open to all: buildkitd-clients below lets the Code Center's namespace in
        platformNetworkPolicy(`${name}-builds-netpol`, { namespace: bnamespace, labels: bk.labels }, { parent: this });
        const pushSecret = new k8s.core.v1.Secret(`${name}-registry-push`, {
            metadata: { namespace: bnamespace, labels: bk.labels },
            type: "kubernetes.io/dockerconfigjson",
            stringData: { ".dockerconfigjson": registry.dockerConfigJson },
        }, { parent: this });
        new k8s.core.v1.Service(`${name}-buildkitd-svc`, {
            metadata: { name: "buildkitd", namespace: bnamespace, labels: bk.labels },
            spec: { selector: bk.selector, ports: [{ name: "buildkit", port: 1234, targetPort: "buildkit" }] },
        }, { parent: this });
        // The daemon's TCP endpoint has no client authentication: only the Code Center's namespace
        // (Gitea and the CI jobs it starts) may connect.
        new k8s.networking.v1.NetworkPolicy(`${name}-buildkitd-clients`, {
            metadata: { name: "buildkitd-clients", namespace: bnamespace, labels: bk.labels },
            spec: {
                podSelector: { matchLabels: bk.selector },
                policyTypes: ["Ingress"],
                ingress: [{
                    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": codeNsName } } }],
                    ports: [{ protocol: "TCP", port: 1234 }],
                }],
            },
        }, { parent: this });
        new k8s.apps.v1.Deployment(`${name}-buildkitd`, {
            metadata: {
                name: "buildkitd",
                namespace: bnamespace,
                labels: bk.labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-privileged-containers", reason: "BuildKit's OCI worker mounts overlay snapshots and starts each build step with runc in namespaces of its own" },
                    { rule: "run-as-non-root", reason: "the non-rootless BuildKit daemon runs as root (rootless mode needs setuid newuidmap instead)" },
                    { rule: "no-privilege-escalation", reason: "a privileged container always allows privilege escalation" },
                    { rule: "restricted-capabilities", reason: "mounting snapshots and running build steps need CAP_SYS_ADMIN, which a privileged container has" },
                    { rule: "seccomp-runtime-default", reason: "a privileged container runs unconfined; BuildKit applies its own seccomp profile to build steps" },
                    { rule: "read-only-root-filesystem", reason: "BuildKit unpacks base images and runs build steps inside its own filesystem" },
                    { rule: "min-replicas", reason: "one build daemon: its layer cache lives on its own volume, and a failed build is retried by the pipeline" },
                ]),
            },
            spec: {
                replicas: 1,
                selector: { matchLabels: bk.selector },
                template: {
                    metadata: { labels: bk.labels },
                    spec: {
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        containers: [{
                            name: "buildkitd",
                            image: mirrorImage(BUILDKIT_IMAGE, args.imageMirror),
                            args: BUILDKITD_ARGS,
                            env: [{ name: "DOCKER_CONFIG", value: "/root/.docker" }],
                            ports: [{ name: "buildkit", containerPort: 1234 }],
                            resources: containerResources(builderRes),
                            securityContext: { privileged: true, runAsUser: 0, runAsGroup: 0 },
                            // buildkitd has no health endpoint: readiness asks it for its workers over its socket
                            ...singleCheckProbes({ exec: { command: ["buildctl", "debug", "workers"] }, periodSeconds: 30, initialDelaySeconds: 5 }, "buildkit", { periodSeconds: 30, initialDelaySeconds: 15 }),
                            volumeMounts: [
                                // Not the container's overlay root: snapshots are overlay mounts themselves.
                                { name: "cache", mountPath: "/var/lib/buildkit" },
                                { name: "docker-config", mountPath: "/root/.docker", readOnly: true },
                                TMP_MOUNT,
                            ],
                        }],
                        volumes: [
                            { name: "cache", emptyDir: { sizeLimit: "20Gi" } },
                            { name: "docker-config", secret: { secretName: pushSecret.metadata.name, items: [{ key: ".dockerconfigjson", path: "config.json" }] } },
                            TMP_VOLUME,
                        ],
                    },
                },
            },
        }, { parent: this });
    }
}
