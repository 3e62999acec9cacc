/**
 * App Router, the traffic access layer: receives user requests and forwards them to the right
 * app runtime.
 *
 * The gateway is Traefik (MIT). Its Kubernetes Ingress provider serves the core
 * `networking.k8s.io/v1` Ingresses of the platform's IngressClass, so apps and platform modules
 * declare routes with the standard API and the router needs no CRD. Its file provider reads one
 * file the platform renders (router-config.ts): the default certificate and the weighted splits
 * between an app's `stable` and `canary` tracks. It replaces HAProxy Ingress, whose Go module the
 * Go module proxy does not serve, so it could not be built and run on the local cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements, isHighlyAvailable } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { TRAEFIK_IMAGE } from "../versions";
import {
    RolePlacement, TMP_MOUNT, containerResources, TMP_VOLUME, WorkloadFootprint, haAffinity, mergeAffinity,
    restrictedContainerSecurityContext, restrictedPodSecurityContext, rolePlacement,
    singleCheckProbes,
} from "./workload";
import { DYNAMIC_DIR, DYNAMIC_FILE, ROUTER_PORTS, TRAEFIK_CONTROLLER, renderDynamicConfig, renderTraefikArgs } from "./router-config";
import { TrafficSplitInput } from "./traffic-split";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** Namespace label tenant NetworkPolicies allow traffic from. */
export const ROUTER_NAMESPACE_LABELS = { "containercloud.io/role": "router" };
/** uid/gid the gateway runs as (Traefik's image names no user; any non-root id works for its static binary). */
export const ROUTER_UID = 65532;

/** The platform's own hosts. */
export function platformHosts(domain: string): { console: string; registry: string; git: string } {
    return { console: `console.${domain}`, registry: `registry.${domain}`, git: `git.${domain}` };
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
 * The Ingress spec for routes of one backend. Traefik serves every route on HTTP and HTTPS; the
 * TLS entries list the hosts, and one without `secretName` is served with the router's default
 * (wildcard or platform CA) certificate, so tenants never need a copy of the router's key.
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
    /**
     * The Service speaks TLS itself (e.g. the registry): the gateway re-encrypts. Traefik does so
     * for a Service port named `https` (or port 443); this flag documents that the route relies on it.
     * @default false
     */
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
     * or PEMs (e.g. from the platform CA) stored as a new Secret. @default Traefik's self-generated default certificate
     */
    tls?: { secretName: string } | { certificatePem: pulumi.Input<string>; privateKeyPem: pulumi.Input<string> };
    /** Gateway container resources. @default 100m/128Mi requests, 1/512Mi limits */
    resources?: ResourceRequirements;
    /** PriorityClass of the gateway pods. @default none */
    priorityClassName?: string;
    /** Platform hosts (registry, console...) routed through the gateway. @default [] */
    platformRoutes?: PlatformRoute[];
    /** Weighted splits between the stable and canary tracks of apps (see `trafficSplitsForApps`). @default [] */
    trafficSplits?: TrafficSplitInput[];
}

/** The App Router: Traefik on edge nodes, an IngressClass, the platform routes and the traffic splits. */
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
        const labels = standardLabels("traefik", "app-router", args.labels);
        const selector = selectorLabels("traefik", "app-router");

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: nsName,
                labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, ...ROUTER_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted" },
            },
        }, { parent: this });
        const namespace = ns.metadata.name;
        const meta = (n: string) => ({ name: n, namespace, labels });
        // the entry points are public; the ping port is for the node's kubelet only
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels, openPorts: ["http", "https"] }, { parent: this });

        const sa = this.rbac(name, nsName, namespace, labels, meta);

        // What the gateway reads (its dynamic configuration, Service and default certificate) is
        // named in its arguments as plain text and ordered with `dependsOn`, not taken as Outputs.
        // The provider replaces a ConfigMap or Secret whose data changes, deleting it first as its
        // name is fixed; a Deployment whose spec took an Output of it would then be replaced the
        // same way, taking every app's ingress down (e.g. when adding a team changes the
        // certificate's names). Traefik watches the mounted file and reloads without a restart;
        // while the file is away, the splits' Ingress fallbacks serve both tracks.
        const { certSecret, certSecretName } = this.defaultCertificate(name, args, meta);
        const dynamic = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: meta("traefik-dynamic"),
            data: {
                [DYNAMIC_FILE]: pulumi.all((args.trafficSplits ?? []).map((sp) => pulumi.output(sp.namespace).apply((n) => ({ ...sp, namespace: n }))))
                    .apply((splits) => renderDynamicConfig({ defaultCertificate: certSecretName !== undefined, splits })),
            },
        }, { parent: this });

        new k8s.networking.v1.IngressClass(`${name}-class`, {
            metadata: { name: this.ingressClassName, labels },
            spec: { controller: TRAEFIK_CONTROLLER },
        }, { parent: this });

        const svc = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: {
                ...meta("traefik"),
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
        new k8s.apps.v1.Deployment(`${name}-gateway`, {
            metadata: meta("traefik"),
            spec: {
                replicas: this.replicas,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: sa.metadata.name,
                        priorityClassName: args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(ROUTER_UID),
                        affinity: mergeAffinity(placement.affinity, haAffinity(env, selector)),
                        tolerations: placement.tolerations,
                        containers: [{
                            name: "traefik",
                            image: mirrorImage(TRAEFIK_IMAGE, args.imageMirror),
                            // Flags only: the image's entrypoint runs `traefik` with arguments that start with `-`.
                            args: renderTraefikArgs({ ingressClassName: this.ingressClassName, publishedService: `${nsName}/traefik`, accessLog: !isHighlyAvailable(env) }),
                            ports: [
                                { name: "http", containerPort: ROUTER_PORTS.http },
                                { name: "https", containerPort: ROUTER_PORTS.https },
                                { name: "ping", containerPort: ROUTER_PORTS.ping },
                            ],
                            resources: containerResources(res),
                            securityContext: restrictedContainerSecurityContext(),
                            // /ping is Traefik's only health endpoint (it answers 503 while shutting down)
                            ...singleCheckProbes({ httpGet: { path: "/ping", port: "ping" }, periodSeconds: 10 }, "ping", { periodSeconds: 20, failureThreshold: 3 }),
                            volumeMounts: [TMP_MOUNT, { name: "dynamic", mountPath: DYNAMIC_DIR, readOnly: true }],
                        }],
                        volumes: [
                            TMP_VOLUME,
                            // One projected volume: the configuration and the certificate it names change together.
                            {
                                name: "dynamic",
                                projected: {
                                    sources: [
                                        { configMap: { name: "traefik-dynamic" } },
                                        ...(certSecretName ? [{ secret: { name: certSecretName, items: [{ key: "tls.crt", path: "tls.crt" }, { key: "tls.key", path: "tls.key" }] } }] : []),
                                    ],
                                },
                            },
                        ],
                    },
                },
            },
        }, { parent: this, dependsOn: certSecret ? [dynamic, svc, certSecret] : [dynamic, svc] });

        if (isHighlyAvailable(env)) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: meta("traefik"),
                spec: { minAvailable: Math.max(1, this.replicas - 1), selector: { matchLabels: selector } },
            }, { parent: this });
        }

        this.platformRoutes(name, args.platformRoutes ?? [], labels);

        this.namespaceName = namespace;
        this.serviceName = svc.metadata.name;
        this.footprint = [{ module: "app-router", name: "traefik", replicas: this.replicas, containers: [res] }];
        this.registerOutputs({ namespaceName: this.namespaceName, serviceName: this.serviceName, ingressClassName: this.ingressClassName });
    }

    /**
     * The gateway's service account and what it reads: Ingresses and IngressClasses, the Services,
     * EndpointSlices and TLS Secrets they name, Nodes (Traefik's provider watches them for NodePort
     * backends whenever it watches IngressClasses, and stalls without them), and the status of the
     * Ingresses it serves.
     */
    private rbac(name: string, nsName: string, namespace: pulumi.Output<string>, labels: Record<string, string>, meta: RouterMeta): k8s.core.v1.ServiceAccount {
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta("traefik") }, { parent: this });
        const cr = new k8s.rbac.v1.ClusterRole(`${name}-cr`, {
            metadata: { name: `${nsName}-traefik`, labels },
            rules: [
                { apiGroups: [""], resources: ["nodes", "secrets", "services"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: ["get", "list", "watch"] },
                { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["update"] },
            ],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-crb`, {
            metadata: { name: `${nsName}-traefik`, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: cr.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
        }, { parent: this });
        return sa;
    }

    /** The gateway's default certificate: an existing Secret by name, or one made from the given PEMs. */
    private defaultCertificate(name: string, args: AppRouterArgs, meta: RouterMeta): { certSecret?: k8s.core.v1.Secret; certSecretName?: string } {
        if (args.tls && "secretName" in args.tls) {
            return { certSecretName: args.tls.secretName };
        } else if (args.tls) {
            const certSecret = new k8s.core.v1.Secret(`${name}-default-cert`, {
                metadata: meta("default-certificate"),
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": args.tls.certificatePem, "tls.key": pulumi.secret(args.tls.privateKeyPem) },
            }, { parent: this });
            return { certSecret, certSecretName: "default-certificate" };
        }
        return {};
    }

    /** One Ingress per platform route (e.g. the registry), in the namespace of its service. */
    private platformRoutes(name: string, routes: PlatformRoute[], labels: Record<string, string>): void {
        for (const r of routes) {
            const short = r.host.split(".")[0];
            new k8s.networking.v1.Ingress(`${name}-route-${short}`, {
                // A TLS backend needs no annotation: Traefik speaks HTTPS to a Service port named `https` (or 443).
                metadata: { name: `platform-${short}`, namespace: r.namespace, labels },
                spec: renderIngressSpec(this.ingressClassName, [{ host: r.host, paths: ["/"], serviceName: r.serviceName, servicePort: r.servicePort, tls: true }]),
            }, { parent: this });
        }
    }
}

/** Metadata of a gateway object in the router namespace. */
type RouterMeta = (n: string) => { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> };
