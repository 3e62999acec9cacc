/**
 * Which routes each app's processes get, and the weighted splits of apps with a canary: pure
 * functions shared by `App` (which creates the Ingress and the track Services) and the App
 * Engine (which hands the splits to the router before any app exists).
 */
import * as pulumi from "@pulumi/pulumi";
import { AppManifest } from "./app-manifest";
import { TrafficSplit } from "./router-config";

/** One route of a process, before its Service exists. */
export interface ProcessRoute {
    /** Host name. */
    host: string;
    /** Path prefixes. */
    paths: string[];
    /** true: the router's default certificate; a string: a TLS Secret in the app's namespace; false: plain HTTP. */
    tls: boolean | string;
}

/** Host of an app: `<app>.<team>.<domain>`. */
export function appHost(app: string, team: string, domain: string): string {
    return `${app}.${team}.${domain}`;
}

/** Routes of one process: the app's own host for `web`, plus the manifest's routes naming the process. */
export function processRoutes(app: AppManifest, pname: string, domain: string): ProcessRoute[] {
    const routes: ProcessRoute[] = [];
    if (pname === "web") {
        routes.push({ host: appHost(app.name, app.team, domain), paths: ["/"], tls: true });
    }
    for (const r of app.routes.filter((x) => x.process === pname)) {
        routes.push({ host: r.host ?? appHost(app.name, app.team, domain), paths: [...r.paths], tls: r.tls });
    }
    return routes;
}

/** Names of the two Services that select one track each of a process with a canary. */
export function trackServiceNames(app: string, pname: string): { stable: string; canary: string } {
    return { stable: `${app}-${pname}-stable`, canary: `${app}-${pname}-canary` };
}

/** A split whose namespace is still an Output (tenant namespaces are resources). */
export type TrafficSplitInput = Omit<TrafficSplit, "namespace"> & { namespace: pulumi.Input<string> };

/**
 * The split of every app with a canary: its web process's routes (paths of one host joined) to
 * its two track Services, the canary getting the manifest's weight.
 */
export function trafficSplitsForApps(apps: AppManifest[], namespaceOf: (team: string) => pulumi.Input<string>, domain: string): TrafficSplitInput[] {
    const out: TrafficSplitInput[] = [];
    for (const app of apps) {
        const web = app.processes.web;
        if (!app.canary || web === undefined || web.type !== "web" || web.port === undefined) {
            continue;
        }
        const byHost = new Map<string, string[]>();
        for (const r of processRoutes(app, "web", domain)) {
            const paths = byHost.get(r.host) ?? [];
            byHost.set(r.host, [...paths, ...r.paths.filter((p) => !paths.includes(p))]);
        }
        const svc = trackServiceNames(app.name, "web");
        out.push({
            name: `${app.team}-${app.name}`,
            namespace: namespaceOf(app.team),
            routes: [...byHost].map(([host, paths]) => ({ host, paths })),
            stableService: svc.stable,
            canaryService: svc.canary,
            port: 80,
            canaryWeight: app.canary.weight,
        });
    }
    return out;
}
