/**
 * One app on the platform, from its manifest: per process a Deployment (restricted security
 * context, requests and limits, probes), and for web processes a Service, an autoscaler, a
 * disruption budget and routes; cron jobs; service bindings mounted from Secrets in the
 * servicebinding.io layout. Usable directly from TypeScript or through `AppRuntime`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { Environment, ResourceRequirements } from "../core/types";
import { cronSchedule } from "../core/cron";
import { standardLabels } from "../core/labels";
import { APP_METRICS_PORT_NAME } from "../core/monitoring";
import { mirrorImage } from "../core/images";
import { AppManifest, ProcessSpec, SIZE_PRESETS, instanceBounds, processResources, sameCheck } from "./app-manifest";
import { RouteSpec, renderIngressSpec } from "./app-router";
import { TRACK_LABEL, splitFallbackAnnotations } from "./router-config";
import { processRoutes, trackServiceNames } from "./traffic-split";
import { AppBinding, BINDING_ROOT, bindingEnvVars, bindingProjectedVolume } from "./bindings";
import { TMP_MOUNT, TMP_VOLUME, containerResources, WorkloadFootprint, restrictedContainerSecurityContext, restrictedPodSecurityContext, singleCheckProbes, topologySpread, nodeLossTolerations } from "./workload";

type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;
type ProbeSpec = NonNullable<ProcessSpec["health"]["readiness"]>;

/** Instances of an app's canary track. */
export const CANARY_REPLICAS = 2;

/**
 * Probes of a process. Declared checks win; a web process without any gets an HTTP readiness check
 * of `/` and TCP liveness and startup checks on its port (startup allows 60 s); a worker without
 * any gets none (there is nothing to probe). A liveness check declared the same as the readiness
 * check (`sameCheck`) becomes a TCP check on the port, with the liveness timing, as
 * `singleCheckProbes` explains.
 */
export function renderProbes(p: ProcessSpec): { readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe } {
    const timingOf = (c: ProbeSpec) => ({ periodSeconds: c.periodSeconds, initialDelaySeconds: c.initialDelaySeconds, failureThreshold: c.failureThreshold });
    const one = (c: ProbeSpec): Probe => {
        const timing = timingOf(c);
        if (c.command) {
            return { exec: { command: c.command }, ...timing };
        }
        const port = c.port ?? p.port;
        if (port === undefined) {
            throw new Error("a probe without a command needs a port (the process has none)");
        }
        return c.path ? { httpGet: { path: c.path, port }, ...timing } : { tcpSocket: { port }, ...timing };
    };
    const h = p.health;
    const declared = h.readiness !== undefined || h.liveness !== undefined || h.startup !== undefined;
    if (!declared && p.type === "web" && p.port !== undefined) {
        return {
            ...singleCheckProbes({ httpGet: { path: "/", port: p.port }, periodSeconds: 5, failureThreshold: 3 }, p.port, { periodSeconds: 10, failureThreshold: 3 }),
            startupProbe: { tcpSocket: { port: p.port }, periodSeconds: 2, failureThreshold: 30 },
        };
    }
    const readinessProbe = h.readiness ? one(h.readiness) : undefined;
    const livenessPort = h.liveness?.port ?? p.port;
    const repeated = readinessProbe && h.readiness && h.liveness && livenessPort !== undefined && sameCheck(h.readiness, h.liveness, p.port);
    const livenessProbe = !h.liveness ? undefined
        : repeated ? singleCheckProbes(readinessProbe, livenessPort, timingOf(h.liveness)).livenessProbe
        : one(h.liveness);
    return {
        ...(readinessProbe ? { readinessProbe } : {}),
        ...(livenessProbe ? { livenessProbe } : {}),
        ...(h.startup ? { startupProbe: one(h.startup) } : {}),
    };
}

/** The pod annotations Prometheus's `kubernetes-pods` job scrapes by. */
export function renderMetricsAnnotations(m: { port: number; path: string }): Record<string, string> {
    return { "prometheus.io/scrape": "true", "prometheus.io/port": `${m.port}`, "prometheus.io/path": m.path };
}

/** Tag or digest of an image, for the `app.kubernetes.io/version` label (label-safe). */
export function imageVersion(image: string): string {
    const at = image.indexOf("@sha256:");
    const v = at >= 0 ? image.slice(at + 8, at + 8 + 12) : image.slice(image.lastIndexOf(":") + 1);
    return v.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63) || "unknown";
}

/** Arguments of `App`. */
export interface AppArgs {
    /** The parsed manifest. */
    app: AppManifest;
    /** Namespace the app runs in (its team's tenant namespace). */
    namespace: pulumi.Input<string>;
    /** Environment profile (prod spreads pods over zones and hosts). */
    environment: Environment;
    /** Base domain; web processes get `<app>.<team>.<domain>`. */
    domain: string;
    /** Image to run; a built image's digest reference for source apps. @default app.image */
    image?: pulumi.Input<string>;
    /** Binding Secrets of the services the manifest lists, one per `services` entry. @default [] */
    bindings?: AppBinding[];
    /** IngressClass of the App Router. @default "containercloud" */
    ingressClassName?: string;
    /** dockerconfigjson that pulls from the platform registry; stored as a pull Secret. @default none */
    registryPullConfig?: pulumi.Input<string>;
    /**
     * A pull Secret the namespace already holds (the tenant's); when set, the app creates none of
     * its own and `registryPullConfig` is ignored. @default none
     */
    pullSecretName?: pulumi.Input<string>;
    /** Registry mirror for public images. @default none */
    imageMirror?: string;
    /** PriorityClass of the app's pods. @default none */
    priorityClassName?: string;
    /** OTLP endpoint injected as `OTEL_EXPORTER_OTLP_ENDPOINT`. @default none */
    otlpEndpoint?: string;
    /** Extra labels. @default {} */
    labels?: Record<string, string>;
}

/** An app: Deployments, Services, autoscalers, disruption budgets, routes and cron jobs. */
export class App extends pulumi.ComponentResource {
    /** Hosts the app answers on. */
    public readonly hosts: string[];
    /** Deployments by process name. */
    public readonly deployments: Record<string, k8s.apps.v1.Deployment>;
    /** Services by (web) process name. */
    public readonly services: Record<string, k8s.core.v1.Service>;
    /** What the app reserves at its minimum scale, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:App", name, {}, opts);
        const app = args.app;
        const env = args.environment;
        const image = args.image ?? (app.image !== undefined ? mirrorImage(app.image, args.imageMirror) : undefined);
        if (image === undefined) {
            throw new pulumi.ResourceError(`app ${app.name}: image: the manifest has a source but no built image was passed (set args.image)`, this);
        }
        const bindings = args.bindings ?? [];
        for (const s of app.services) {
            if (!bindings.some((b) => b.name === s.name)) {
                throw new pulumi.ResourceError(`app ${app.name}: services.${s.name}: no binding Secret was given for this ${s.type} service (is the Services module enabled?)`, this);
            }
        }
        const ingressClassName = args.ingressClassName ?? "containercloud";
        const ns = args.namespace;
        const version = app.image ? imageVersion(app.image) : "source";
        const appLabels = (component: string) => standardLabels(app.name, component, {
            "app.kubernetes.io/instance": `${app.name}-${component}`,
            "app.kubernetes.io/version": version,
            "app.kubernetes.io/part-of": app.name,
            "containercloud.io/team": app.team,
            ...(args.labels ?? {}),
        });
        const selectorOf = (component: string) => ({ "app.kubernetes.io/name": app.name, "app.kubernetes.io/instance": `${app.name}-${component}` });

        const { pullSecrets, secretDeps } = this.pullSecrets(name, args, bindings, appLabels);
        const baseEnv = (): EnvVar[] => [
            ...Object.entries(app.env).map(([k, v]) => ({ name: k, value: v })),
            ...Object.entries(app.secretEnv).map(([k, r]) => ({ name: k, valueFrom: { secretKeyRef: { name: r.secret, key: r.key } } })),
            ...(bindings.length > 0 ? bindingEnvVars(bindings) : []),
            ...(args.otlpEndpoint ? [{ name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: args.otlpEndpoint }, { name: "OTEL_SERVICE_NAME", value: app.name }] : []),
        ];
        const volumes = [TMP_VOLUME, ...(bindings.length > 0 ? [bindingProjectedVolume(bindings)] : [])];
        const mounts = [TMP_MOUNT, ...(bindings.length > 0 ? [{ name: "bindings", mountPath: BINDING_ROOT, readOnly: true }] : [])];
        const podBase = {
            automountServiceAccountToken: app.automountServiceAccountToken,
            securityContext: restrictedPodSecurityContext(),
            imagePullSecrets: pullSecrets,
            priorityClassName: args.priorityClassName,
            volumes,
        };
        const container = (cname: string, img: pulumi.Input<string>, p: { command?: string[]; args?: string[] }, res: ResourceRequirements, extra: Partial<Container> = {}): Container => ({
            name: cname,
            image: img,
            command: p.command,
            args: p.args,
            resources: containerResources(res),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: mounts,
            ...extra,
        });

        const s: AppSettings = { name, args, app, env, image, ns, ingressClassName, appLabels, selectorOf, secretDeps, baseEnv, podBase, container };

        this.deployments = {};
        this.services = {};
        this.hosts = [];
        this.footprint = [];
        for (const [pname, p] of Object.entries(app.processes)) {
            this.process(s, pname, p);
        }
        this.cronJobs(s);
        this.registerOutputs({ hosts: this.hosts });
    }

    /**
     * The pull Secret the pods use, and what the workloads wait for: the binding Secrets and the
     * app's own pull Secret, which they name as text, not by Output.
     */
    private pullSecrets(name: string, args: AppArgs, bindings: AppBinding[], appLabels: (component: string) => Record<string, string>): { pullSecrets?: { name: pulumi.Input<string> }[]; secretDeps: pulumi.Resource[] } {
        const app = args.app;
        const ns = args.namespace;
        // What the workloads wait for: the binding Secrets and their own pull Secret, which they name
        // as text, not by Output. Both have fixed names, so a changed one is replaced delete-first, and
        // a workload naming it by Output would be deleted and recreated with it. Kubelet reads a pull
        // Secret at each pull, so running pods need no roll for new registry credentials.
        const secretDeps: pulumi.Resource[] = bindings.flatMap((b) => (b.secret ? [b.secret] : []));
        if (args.pullSecretName !== undefined) {
            return { pullSecrets: [{ name: args.pullSecretName }], secretDeps };
        } else if (args.registryPullConfig !== undefined) {
            const pullName = `${app.name}-registry-pull`;
            secretDeps.push(new k8s.core.v1.Secret(`${name}-pull`, {
                metadata: { name: pullName, namespace: ns, labels: appLabels("pull") },
                type: "kubernetes.io/dockerconfigjson",
                stringData: { ".dockerconfigjson": pulumi.secret(args.registryPullConfig) },
            }, { parent: this }));
            return { pullSecrets: [{ name: pullName }], secretDeps };
        }
        return { pullSecrets: undefined, secretDeps };
    }

    /** One process: its Deployment (and canary), autoscaler, disruption budget and, for a web process, Service and routes. */
    private process(s: AppSettings, pname: string, p: ProcessSpec): void {
        const { name, args, app, env, image, ns, appLabels, selectorOf, secretDeps, container, ingressClassName, baseEnv, podBase } = s;
        const component = pname;
        const labels = appLabels(component);
        const selector = selectorOf(component);
        const bounds = instanceBounds(p);
        const res = processResources(p);
        const isWeb = p.type === "web";
        const env_: EnvVar[] = [...(p.port !== undefined ? [{ name: "PORT", value: `${p.port}` }] : []), ...baseEnv()];
        const declared = [
            ...(p.port !== undefined ? [{ name: "http", containerPort: p.port }] : []),
            ...(p.metrics ? [{ name: APP_METRICS_PORT_NAME, containerPort: p.metrics.port }] : []),
        ];
        const ports = declared.length > 0 ? declared : undefined;
        // Prometheus's kubernetes-pods job keeps pods with these annotations (platform-support-config.ts).
        const annotations = p.metrics ? renderMetricsAnnotations(p.metrics) : undefined;
        const probes = renderProbes(p);
        const canary = isWeb && pname === "web" ? app.canary : undefined;
        const deploymentFor = (track: "stable" | "canary", img: pulumi.Input<string>, replicas: number | undefined) => new k8s.apps.v1.Deployment(
            track === "stable" ? `${name}-${pname}` : `${name}-${pname}-canary`,
            {
                metadata: { name: track === "stable" ? `${app.name}-${pname}` : `${app.name}-${pname}-canary`, namespace: ns, labels: { ...labels, [TRACK_LABEL]: track } },
                spec: {
                    replicas,
                    selector: { matchLabels: { ...selector, [TRACK_LABEL]: track } },
                    template: {
                        metadata: { labels: { ...labels, [TRACK_LABEL]: track }, annotations },
                        spec: {
                            ...podBase,
                            // each track spreads its own pods: a lost node leaves one of each
                            topologySpreadConstraints: topologySpread(env, { ...selector, [TRACK_LABEL]: track }),
                            tolerations: nodeLossTolerations(),
                            containers: [container(pname, img, p, res, { env: env_, ports, ...probes })],
                        },
                    },
                },
            }, { parent: this, dependsOn: secretDeps });

        // An autoscaled Deployment leaves replicas to the HPA; setting them here would fight it on every update.
        this.deployments[pname] = deploymentFor("stable", image, bounds.autoscale ? undefined : bounds.min);
        this.footprint.push({ module: "app-runtime", name: `${app.name}-${pname}`, replicas: bounds.min, containers: [res], team: app.team });
        if (canary) {
            // Two, in every environment: one canary alone would leave its share of the traffic without
            // an answer until it is started elsewhere, when its node is lost (test/e2e/platform/node-loss.ts).
            deploymentFor("canary", mirrorImage(canary.image, args.imageMirror), CANARY_REPLICAS);
            this.footprint.push({ module: "app-runtime", name: `${app.name}-${pname}-canary`, replicas: CANARY_REPLICAS, containers: [res], team: app.team });
        }

        if (bounds.autoscale) {
            const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: bounds.cpuTarget } } },
            ];
            if (bounds.memoryTarget !== undefined) {
                metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: bounds.memoryTarget } } });
            }
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-${pname}-hpa`, {
                metadata: { name: `${app.name}-${pname}`, namespace: ns, labels },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: this.deployments[pname].metadata.name },
                    minReplicas: bounds.min,
                    maxReplicas: bounds.max,
                    metrics,
                },
            }, { parent: this });
        }

        if (bounds.max > 0) {
            // maxUnavailable (not minAvailable) so a single-instance app never blocks a node drain.
            new k8s.policy.v1.PodDisruptionBudget(`${name}-${pname}-pdb`, {
                metadata: { name: `${app.name}-${pname}`, namespace: ns, labels },
                spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
            }, { parent: this });
        }

        if (!isWeb || p.port === undefined) {
            return;
        }
        // The Service selects both tracks (the Ingress's backend); with a canary, one Service per
        // track too, which the router's weighted split sends to (router-config.ts).
        const svcSpec = (sel: Record<string, string>) => ({ selector: sel, ports: [{ name: "http", port: 80, targetPort: "http" }] });
        const svc = new k8s.core.v1.Service(`${name}-${pname}-svc`, {
            metadata: { name: `${app.name}-${pname}`, namespace: ns, labels },
            spec: svcSpec(selector),
        }, { parent: this });
        this.services[pname] = svc;
        if (canary) {
            const names = trackServiceNames(app.name, pname);
            for (const track of ["stable", "canary"] as const) {
                new k8s.core.v1.Service(`${name}-${pname}-${track}-svc`, {
                    metadata: { name: names[track], namespace: ns, labels: { ...labels, [TRACK_LABEL]: track } },
                    spec: svcSpec({ ...selector, [TRACK_LABEL]: track }),
                }, { parent: this });
            }
        }

        const routes: RouteSpec[] = processRoutes(app, pname, args.domain).map((r) => ({ ...r, serviceName: svc.metadata.name, servicePort: 80 }));
        if (routes.length === 0) {
            return;
        }
        for (const r of routes) {
            if (!this.hosts.includes(r.host)) {
                this.hosts.push(r.host);
            }
        }
        new k8s.networking.v1.Ingress(`${name}-${pname}-ingress`, {
            metadata: {
                name: `${app.name}-${pname}`,
                namespace: ns,
                labels,
                annotations: canary ? splitFallbackAnnotations() : undefined,
            },
            spec: renderIngressSpec(ingressClassName, mergeSameHost(routes)),
        }, { parent: this });
        
    }

    /** The app's cron jobs, one CronJob each. */
    private cronJobs(s: AppSettings): void {
        const { name, app, image, ns, appLabels, secretDeps, baseEnv, podBase, container } = s;
        for (const [job, c] of Object.entries(app.cron)) {
            const labels = appLabels(`cron-${job}`);
            const res = SIZE_PRESETS[c.size];
            new k8s.batch.v1.CronJob(`${name}-cron-${job}`, {
                metadata: { name: `${app.name}-${job}`, namespace: ns, labels },
                spec: {
                    ...cronSchedule(c.schedule),
                    concurrencyPolicy: "Forbid",
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        spec: {
                            backoffLimit: 2,
                            template: {
                                metadata: { labels },
                                spec: { ...podBase, restartPolicy: "Never", containers: [container(job, image, { command: c.command }, res, { env: baseEnv() })] },
                            },
                        },
                    },
                },
            }, { parent: this, dependsOn: secretDeps });
        }
    }
}

/** What `App`'s steps share: the resolved args, label and pod builders, and what workloads wait for. */
interface AppSettings {
    name: string;
    args: AppArgs;
    app: AppManifest;
    env: Environment;
    image: pulumi.Input<string>;
    ns: pulumi.Input<string>;
    ingressClassName: string;
    appLabels: (component: string) => Record<string, string>;
    selectorOf: (component: string) => Record<string, string>;
    secretDeps: pulumi.Resource[];
    baseEnv: () => EnvVar[];
    podBase: Pick<k8s.types.input.core.v1.PodSpec, "automountServiceAccountToken" | "securityContext" | "imagePullSecrets" | "priorityClassName" | "volumes">;
    container: (cname: string, img: pulumi.Input<string>, p: { command?: string[]; args?: string[] }, res: ResourceRequirements, extra?: Partial<Container>) => Container;
}

/** Joins routes to the same host (paths concatenated) so an Ingress never repeats a host rule. */
export function mergeSameHost(routes: RouteSpec[]): RouteSpec[] {
    const out: RouteSpec[] = [];
    for (const r of routes) {
        const same = out.find((o) => o.host === r.host);
        if (same) {
            same.paths = [...same.paths, ...r.paths.filter((p) => !same.paths.includes(p))];
            if (typeof r.tls === "string") {
                same.tls = r.tls;
            }
        } else {
            out.push({ ...r, paths: [...r.paths] });
        }
    }
    return out;
}
