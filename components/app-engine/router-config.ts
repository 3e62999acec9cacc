/**
 * What the App Router's Traefik reads, as pure renderers: its static configuration (command-line
 * flags) and its dynamic configuration file (default certificate and weighted traffic splits).
 *
 * Routes come from Traefik's Kubernetes Ingress provider (core `networking.k8s.io/v1` Ingresses of
 * the platform's IngressClass). Two things the Ingress API cannot say come from Traefik's file
 * provider instead, in one file the platform renders into a ConfigMap:
 * - the default certificate (Traefik's default TLS store): TLS entries of an Ingress without a
 *   `secretName` are then served with the router's certificate, so tenants never hold its key;
 * - weighted splits between an app's `stable` and `canary` tracks (a `weighted` service of two
 *   services, one per track Service).
 * Why the file provider and not Traefik's CRDs (TraefikService, TLSStore): it needs no
 * CustomResourceDefinitions, so every environment (the local cluster included) runs the same
 * manifests with nothing to install first, and tenants get no new API to hold.
 */
import { toYaml, YamlData } from "../core/yaml";

/** Controller value of the IngressClass Traefik's Kubernetes Ingress provider serves. */
export const TRAEFIK_CONTROLLER = "traefik.io/ingress-controller";
/** Ingress annotation that sets the priority of the routers Traefik makes of the Ingress. */
export const ROUTER_PRIORITY_ANNOTATION = "traefik.ingress.kubernetes.io/router.priority";
/** Pod label that tells the two versions of a traffic split apart. */
export const TRACK_LABEL = "track";
/** Container ports of the gateway (unprivileged: the pod runs as non-root). */
export const ROUTER_PORTS = { http: 8080, https: 8443, ping: 9000 } as const;
/** Where the gateway mounts its dynamic configuration and default certificate (one projected volume). */
export const DYNAMIC_DIR = "/etc/traefik/dynamic";
/** File name of the dynamic configuration in that folder (and key in its ConfigMap). */
export const DYNAMIC_FILE = "dynamic.yaml";

/** One weighted split: the canary track of an app's web process gets `canaryWeight` percent of its requests. */
export interface TrafficSplit {
    /** Key of the split, unique in the stack (`<namespace>-<app>`). */
    name: string;
    /** Namespace of the app. */
    namespace: string;
    /** Hosts and path prefixes of the app's web process (what its Ingress routes). */
    routes: { host: string; paths: string[] }[];
    /** Service selecting the stable track's pods. */
    stableService: string;
    /** Service selecting the canary track's pods. */
    canaryService: string;
    /** Service port of both. */
    port: number;
    /** Percent of requests to the canary, 0 to 100. */
    canaryWeight: number;
}

/** Options of `renderTraefikArgs`. */
export interface TraefikArgsOptions {
    /** IngressClass name whose Ingresses Traefik serves. */
    ingressClassName: string;
    /** `namespace/service` of the gateway's Service, published into Ingress status. */
    publishedService: string;
    /** Access logs (one line per request on stdout). */
    accessLog: boolean;
}

/**
 * Traefik's static configuration as flags, stable order. `web` and `websecure` are the default
 * entry points of every router; `websecure` terminates TLS for all of them (Ingress routers and
 * file routers alike) with the default certificate or an Ingress's own Secret. Only Ingresses
 * with the platform's IngressClass are served. Backends that speak TLS (a Service port named
 * `https`, e.g. the registry) are re-encrypted to without verifying their certificate, as HAProxy
 * Ingress's `h1-ssl` did: they are in-cluster, and their CA differs per environment.
 */
export function renderTraefikArgs(o: TraefikArgsOptions): string[] {
    return [
        `--entryPoints.web.address=:${ROUTER_PORTS.http}`,
        "--entryPoints.web.asDefault=true",
        `--entryPoints.websecure.address=:${ROUTER_PORTS.https}`,
        "--entryPoints.websecure.asDefault=true",
        "--entryPoints.websecure.http.tls=true",
        `--entryPoints.traefik.address=:${ROUTER_PORTS.ping}`,
        "--ping=true",
        "--ping.entryPoint=traefik",
        "--providers.kubernetesIngress=true",
        `--providers.kubernetesIngress.ingressClass=${o.ingressClassName}`,
        `--providers.kubernetesIngress.ingressEndpoint.publishedService=${o.publishedService}`,
        `--providers.file.filename=${DYNAMIC_DIR}/${DYNAMIC_FILE}`,
        "--providers.file.watch=true",
        "--serversTransport.insecureSkipVerify=true",
        "--global.checkNewVersion=false",
        "--global.sendAnonymousUsage=false",
        "--log.level=INFO",
        ...(o.accessLog ? ["--accessLog=true"] : []),
    ];
}

/** The Ingress provider's rule of one host and path prefix (Traefik v3 syntax), which a split's router repeats. */
export function hostPathRule(host: string, path: string): string {
    return `Host(${JSON.stringify(host)}) && PathPrefix(${JSON.stringify(path)})`;
}

/**
 * Traefik's dynamic configuration file: the default certificate (when the router has one) and,
 * per split, one router per host and path with the same rule (so the same priority) as the
 * Ingress router it stands in for, to a weighted service of the two track Services. The app's
 * own Ingress routers get priority 1 (`splitFallbackAnnotations`): they serve both tracks only
 * while this file lacks the split. Keys in a stable order.
 */
export function renderDynamicConfig(o: { defaultCertificate: boolean; splits: TrafficSplit[] }): string {
    const routers: Record<string, YamlData> = {};
    const services: Record<string, YamlData> = {};
    const names = new Set<string>();
    for (const s of [...o.splits].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (!Number.isInteger(s.canaryWeight) || s.canaryWeight < 0 || s.canaryWeight > 100) {
            throw new Error(`split ${s.name}: canary weight must be a whole number between 0 and 100 (got ${s.canaryWeight})`);
        }
        if (names.has(s.name)) {
            throw new Error(`split ${s.name} is defined twice`);
        }
        names.add(s.name);
        const url = (svc: string) => `http://${svc}.${s.namespace}.svc:${s.port}`;
        s.routes.forEach((r, i) => r.paths.forEach((p, j) => {
            routers[`${s.name}-${i}-${j}`] = { rule: hostPathRule(r.host, p), service: `${s.name}-split` };
        }));
        services[`${s.name}-split`] = {
            weighted: {
                services: [
                    { name: `${s.name}-stable`, weight: 100 - s.canaryWeight },
                    { name: `${s.name}-canary`, weight: s.canaryWeight },
                ],
            },
        };
        services[`${s.name}-stable`] = { loadBalancer: { servers: [{ url: url(s.stableService) }] } };
        services[`${s.name}-canary`] = { loadBalancer: { servers: [{ url: url(s.canaryService) }] } };
    }
    const doc: Record<string, YamlData> = {};
    if (o.defaultCertificate) {
        doc.tls = { stores: { default: { defaultCertificate: { certFile: `${DYNAMIC_DIR}/tls.crt`, keyFile: `${DYNAMIC_DIR}/tls.key` } } } };
    }
    if (Object.keys(routers).length > 0) {
        doc.http = { routers, services };
    }
    // An empty document is valid for Traefik; a comment keeps the file non-empty and says why.
    return Object.keys(doc).length > 0 ? toYaml(doc) : "# No default certificate and no traffic split.\n";
}

/** Annotations of the Ingress of an app with a split: its routers become the fallback of the split's routers. */
export function splitFallbackAnnotations(): Record<string, string> {
    return { [ROUTER_PRIORITY_ANNOTATION]: "1" };
}
