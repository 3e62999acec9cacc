/**
 * App Router, the traffic access layer: receives user requests and forwards them to the right
 * app runtime.
 *
 * The gateway is HAProxy Ingress (jcmoraisjr/haproxy-ingress, maintained; ingress-nginx is
 * retired). It reads the core `networking.k8s.io/v1` Ingress API only, so the router needs no
 * CRD. Weighted traffic between two versions of an app uses its blue/green balance annotation:
 * ONE Service selects the pods of both versions, and the Ingress annotation
 * `haproxy-ingress.github.io/blue-green-balance: track=stable=90,track=canary=10` weights them by
 * the pods' `track` label (`blue-green-mode: deploy` makes the weight per version, not per pod).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CommonArgs, Environment, ResourceRequirements, isHighlyAvailable } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { HAPROXY_INGRESS_IMAGE } from "../versions";
import {
    RolePlacement, TMP_MOUNT, containerResources, TMP_VOLUME, WorkloadFootprint, haAffinity, mergeAffinity,
    restrictedContainerSecurityContext, restrictedPodSecurityContext, rolePlacement,
} from "./workload";

/** Controller value of the IngressClass HAProxy Ingress serves. */
export const HAPROXY_CONTROLLER = "haproxy-ingress.github.io/controller";
/** Pod label that tells the two versions of a traffic split apart. */
export const TRACK_LABEL = "track";
/** Namespace label tenant NetworkPolicies allow traffic from. */
export const ROUTER_NAMESPACE_LABELS = { "containercloud.io/role": "router" };

/** Host of an app: `<app>.<team>.<domain>`. */
export function appHost(app: string, team: string, domain: string): string {
    return `${app}.${team}.${domain}`;
}

/** The platform's own hosts. */
export function platformHosts(domain: string): { console: string; registry: string; git: string } {
    return { console: `console.${domain}`, registry: `registry.${domain}`, git: `git.${domain}` };
}

/**
 * Ingress annotations that split traffic between the `stable` and `canary` tracks of one
 * Service by weight (percent of requests to the canary).
 */
export function trafficSplitAnnotations(canaryWeight: number): Record<string, string> {
    if (!Number.isInteger(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
        throw new Error(`canary weight must be a whole number between 0 and 100 (got ${canaryWeight})`);
    }
    return {
        "haproxy-ingress.github.io/blue-green-balance": `${TRACK_LABEL}=stable=${100 - canaryWeight},${TRACK_LABEL}=canary=${canaryWeight}`,
        "haproxy-ingress.github.io/blue-green-mode": "deploy",
    };
}

/** One route: a host and path prefixes to a Service port. */
export interface RouteSpec {
    /** Host name. */
    host: string;
    /** Path prefixes. */
    paths: string[];
    /** Backend Service name. */
    serviceName: pulumi.Input<string>;
    /** Backend Service port. */
    servicePort: pulumi.Input<number>;
    /** true: the router's default certificate; a string: a TLS Secret in the Ingress namespace; false: plain HTTP. */
    tls: boolean | string;
}

/**
 * The Ingress spec for routes of one backend. A TLS entry without `secretName` makes HAProxy
 * Ingress serve its default (wildcard or platform CA) certificate, so tenants never need a
 * copy of the router's key.
 */
export function renderIngressSpec(ingressClassName: string, routes: RouteSpec[]): k8s.types.input.networking.v1.IngressSpec {
    const tls = routes.filter((r) => r.tls !== false).map((r) => (typeof r.tls === "string" ? { hosts: [r.host], secretName: r.tls } : { hosts: [r.host] }));
    return {
        ingressClassName,
        rules: routes.map((r) => ({
            host: r.host,
            http: {
                paths: r.paths.map((p) => ({
                    path: p,
                    pathType: "Prefix",
                    backend: { service: { name: r.serviceName, port: { number: r.servicePort } } },
                })),
            },
        })),
        ...(tls.length > 0 ? { tls } : {}),
    };
}

/** Global HAProxy Ingress settings (ConfigMap keys), stable order. Unprivileged ports: the pod runs as non-root. */
export function renderRouterConfig(env: Environment): Record<string, string> {
    return {
        "healthz-port": "10253",
        "http-port": "8080",
        "https-port": "8443",
        "hsts": isHighlyAvailable(env) ? "true" : "false",
        "ssl-redirect": "true",
        "stats-port": "1936",
        "timeout-client": "50s",
        "timeout-server": "50s",
    };
}

/** A platform host routed to a platform Service. */
export interface PlatformRoute {
    /** Host name, e.g. `registry.example.com`. */
    host: string;
    /** Namespace of the Service (the Ingress is created there). */
    namespace: pulumi.Input<string>;
    /** Service name. */
    serviceName: pulumi.Input<string>;
    /** Service port. */
    servicePort: pulumi.Input<number>;
    /** The Service speaks TLS itself (e.g. the registry): the gateway re-encrypts. @default false */
    tlsBackend?: boolean;
}

/** What `AppRouter` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function appRouterDefaults(env: Environment): { replicas: number; edgePlacement: RolePlacement } {
    const replicas: Record<Environment, number> = { local: 1, dev: 1, staging: 2, prod: 3 };
    return { replicas: replicas[env], edgePlacement: isHighlyAvailable(env) ? "required" : "preferred" };
}

/** Arguments of `AppRouter`. */
export interface AppRouterArgs extends CommonArgs {
    /** Base domain; apps get `<app>.<team>.<domain>`. */
    domain: string;
    /** Namespace of the gateway. @default "containercloud-router" */
    namespace?: string;
    /** Gateway replicas. @default appRouterDefaults(environment).replicas: 3 in prod, 2 in staging, 1 elsewhere */
    replicas?: number;
    /** IngressClass name apps and platform routes use. @default "containercloud" */
    ingressClassName?: string;
    /**
     * Service type. LoadBalancer/NodePort are allowed only in the router namespace by policy.
     * @default "LoadBalancer"
     */
    serviceType?: "LoadBalancer" | "NodePort" | "ClusterIP";
    /**
     * How strictly the gateway sticks to `edge` nodes.
     * @default "required" in staging/prod, "preferred" elsewhere (clusters that label no edge node still run it)
     */
    edgePlacement?: RolePlacement;
    /**
     * Default certificate: the name of an existing wildcard TLS Secret in the router namespace,
     * or PEMs (e.g. from the platform CA) stored as a new Secret. @default HAProxy's self-generated fake certificate
     */
    tls?: { secretName: string } | { certificatePem: pulumi.Input<string>; privateKeyPem: pulumi.Input<string> };
    /** Gateway container resources. @default 100m/128Mi requests, 1/512Mi limits */
    resources?: ResourceRequirements;
    /** PriorityClass of the gateway pods. @default none */
    priorityClassName?: string;
    /** Platform hosts (registry, console...) routed through the gateway. @default [] */
    platformRoutes?: PlatformRoute[];
}

/** The App Router: HAProxy Ingress on edge nodes, an IngressClass, and the platform routes. */
export class AppRouter extends pulumi.ComponentResource {
    /** Namespace of the gateway. */
    public readonly namespaceName: pulumi.Output<string>;
    /** IngressClass apps use. */
    public readonly ingressClassName: string;
    /** Name of the gateway's Service. */
    public readonly serviceName: pulumi.Output<string>;
    /** Resolved replicas. */
    public readonly replicas: number;
    /** Resolved placement on edge nodes. */
    public readonly edgePlacement: RolePlacement;
    /** The platform's own hosts. */
    public readonly hosts: ReturnType<typeof platformHosts>;
    /** What the router reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: AppRouterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:AppRouter", name, {}, opts);
        const env = args.environment;
        const defaults = appRouterDefaults(env);
        this.replicas = args.replicas ?? defaults.replicas;
        if (this.replicas < 1) {
            throw new pulumi.ResourceError(`router replicas must be 1 or more (got ${this.replicas}): set appEngine.router.replicas`, this);
        }
        this.ingressClassName = args.ingressClassName ?? "containercloud";
        this.edgePlacement = args.edgePlacement ?? defaults.edgePlacement;
        this.hosts = platformHosts(args.domain);
        const nsName = args.namespace ?? "containercloud-router";
        const serviceType = args.serviceType ?? "LoadBalancer";
        const res = args.resources ?? resources("100m", "128Mi", "1", "512Mi");
        const labels = standardLabels("haproxy-ingress", "app-router", args.labels);
        const selector = selectorLabels("haproxy-ingress", "app-router");

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: nsName,
                labels: { ...labels, ...ROUTER_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted" },
            },
        }, { parent: this });
        const namespace = ns.metadata.name;
        const meta = (n: string) => ({ name: n, namespace, labels });

        const sa = this.rbac(name, nsName, namespace, labels, meta);

        const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta("haproxy-ingress"), data: renderRouterConfig(env) }, { parent: this });
        // What the gateway watches through the API (its ConfigMap, Service and default certificate)
        // is named in its arguments as plain text and ordered with `dependsOn`, not taken as Outputs.
        // The provider replaces a ConfigMap or Secret whose data changes, deleting it first as its
        // name is fixed; a Deployment whose spec took an Output of it would then be replaced the
        // same way, taking every app's ingress down (e.g. when adding a team changes the
        // certificate's names). The controller picks the new object up without a restart.
        const { certSecret, defaultCert } = this.defaultCertificate(name, args, nsName, meta);

        new k8s.networking.v1.IngressClass(`${name}-class`, {
            metadata: { name: this.ingressClassName, labels },
            spec: { controller: HAPROXY_CONTROLLER },
        }, { parent: this });

        const svc = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: {
                ...meta("haproxy-ingress"),
                // Local clusters have no load-balancer controller: the Service never gets an
                // address, and Pulumi would wait for one until it times out.
                annotations: env === "local" && serviceType === "LoadBalancer" ? { "pulumi.com/skipAwait": "true" } : undefined,
            },
            spec: {
                type: serviceType,
                selector,
                ports: [
                    { name: "http", port: 80, targetPort: "http" },
                    { name: "https", port: 443, targetPort: "https" },
                ],
                ...(serviceType === "LoadBalancer" ? { externalTrafficPolicy: "Local" } : {}),
            },
        }, { parent: this });

        const placement = rolePlacement("edge", this.edgePlacement);
        const controllerArgs = [
            `--configmap=${nsName}/haproxy-ingress`,
            `--ingress-class=${this.ingressClassName}`,
            `--publish-service=${nsName}/haproxy-ingress`,
            "--watch-ingress-without-class=false",
            ...(defaultCert ? [`--default-ssl-certificate=${defaultCert}`] : []),
        ];
        new k8s.apps.v1.Deployment(`${name}-gateway`, {
            metadata: meta("haproxy-ingress"),
            spec: {
                replicas: this.replicas,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: sa.metadata.name,
                        priorityClassName: args.priorityClassName,
                        // uid 99 is the image's haproxy user.
                        securityContext: restrictedPodSecurityContext(99),
                        affinity: mergeAffinity(placement.affinity, haAffinity(env, selector)),
                        tolerations: placement.tolerations,
                        containers: [{
                            name: "haproxy-ingress",
                            image: mirrorImage(HAPROXY_INGRESS_IMAGE, args.imageMirror),
                            args: controllerArgs,
                            ports: [
                                { name: "http", containerPort: 8080 },
                                { name: "https", containerPort: 8443 },
                                { name: "healthz", containerPort: 10253 },
                                { name: "stats", containerPort: 1936 },
                            ],
                            env: [
                                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                            ],
                            resources: containerResources(res),
                            securityContext: restrictedContainerSecurityContext(),
                            readinessProbe: { httpGet: { path: "/healthz", port: "healthz" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/healthz", port: "healthz" }, periodSeconds: 20, failureThreshold: 3 },
                            volumeMounts: [
                                TMP_MOUNT,
                                { name: "etc-haproxy", mountPath: "/etc/haproxy" },
                                { name: "var-lib-haproxy", mountPath: "/var/lib/haproxy" },
                                { name: "var-run-haproxy", mountPath: "/var/run/haproxy" },
                            ],
                        }],
                        volumes: [
                            TMP_VOLUME,
                            { name: "etc-haproxy", emptyDir: {} },
                            { name: "var-lib-haproxy", emptyDir: {} },
                            { name: "var-run-haproxy", emptyDir: {} },
                        ],
                    },
                },
            },
        }, { parent: this, dependsOn: certSecret ? [config, svc, certSecret] : [config, svc] });

        if (isHighlyAvailable(env)) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: meta("haproxy-ingress"),
                spec: { minAvailable: Math.max(1, this.replicas - 1), selector: { matchLabels: selector } },
            }, { parent: this });
        }

        this.platformRoutes(name, args.platformRoutes ?? [], labels);

        this.namespaceName = namespace;
        this.serviceName = svc.metadata.name;
        this.footprint = [{ module: "app-router", name: "haproxy-ingress", replicas: this.replicas, containers: [res] }];
        this.registerOutputs({ namespaceName: this.namespaceName, serviceName: this.serviceName, ingressClassName: this.ingressClassName });
    }

    /** The gateway's service account and the cluster role it reads Ingresses and endpoints with; returns the account. */
    private rbac(name: string, nsName: string, namespace: pulumi.Output<string>, labels: Record<string, string>, meta: RouterMeta): k8s.core.v1.ServiceAccount {
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta("haproxy-ingress") }, { parent: this });
        const cr = new k8s.rbac.v1.ClusterRole(`${name}-cr`, {
            metadata: { name: `${nsName}-haproxy-ingress`, labels },
            rules: [
                { apiGroups: [""], resources: ["configmaps", "endpoints", "nodes", "pods", "secrets", "services", "namespaces"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["update"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
            ],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-crb`, {
            metadata: { name: `${nsName}-haproxy-ingress`, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: cr.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
        }, { parent: this });
        return sa;
    }

    /** The gateway's default certificate: an existing Secret by name, or one made from the given PEMs. */
    private defaultCertificate(name: string, args: AppRouterArgs, nsName: string, meta: RouterMeta): { certSecret?: k8s.core.v1.Secret; defaultCert?: string } {
        let certSecret: k8s.core.v1.Secret | undefined;
        let defaultCert: string | undefined;
        if (args.tls && "secretName" in args.tls) {
            defaultCert = `${nsName}/${args.tls.secretName}`;
        } else if (args.tls) {
            certSecret = new k8s.core.v1.Secret(`${name}-default-cert`, {
                metadata: meta("default-certificate"),
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": args.tls.certificatePem, "tls.key": pulumi.secret(args.tls.privateKeyPem) },
            }, { parent: this });
            defaultCert = `${nsName}/default-certificate`;
        }
        return { certSecret, defaultCert };
    }

    /** One Ingress per platform route (e.g. the registry), in the namespace of its service. */
    private platformRoutes(name: string, routes: PlatformRoute[], labels: Record<string, string>): void {
        for (const r of routes) {
            const short = r.host.split(".")[0];
            new k8s.networking.v1.Ingress(`${name}-route-${short}`, {
                metadata: {
                    name: `platform-${short}`,
                    namespace: r.namespace,
                    labels,
                    annotations: r.tlsBackend ? { "haproxy-ingress.github.io/backend-protocol": "h1-ssl" } : undefined,
                },
                spec: renderIngressSpec(this.ingressClassName, [{ host: r.host, paths: ["/"], serviceName: r.serviceName, servicePort: r.servicePort, tls: true }]),
            }, { parent: this });
        }
    }
}

/** Metadata of a gateway object in the router namespace. */
type RouterMeta = (n: string) => { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> };
