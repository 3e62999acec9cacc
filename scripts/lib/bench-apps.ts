/**
 * Generated example apps (and, while the stack config cannot carry apps yet, generated tenants)
 * for the scale benchmark. Pure and deterministic: app i always looks the same.
 */

/** Apps per generated team: keeps every team well inside the prod default quota (200 pods, 16 CPU). */
export const APPS_PER_TEAM = 25;

/** Name of generated team `t` (0-based). */
export function benchTeam(t: number): string {
    return `bench-${String(t + 1).padStart(3, "0")}`;
}

/** The generated teams that `count` apps need, in the shape of `containercloud:tenancy.teams`. */
export function benchTeams(count: number): Record<string, { namespaces: string[] }> {
    const teams: Record<string, { namespaces: string[] }> = {};
    for (let t = 0; t < Math.ceil(count / APPS_PER_TEAM); t++) {
        teams[benchTeam(t)] = { namespaces: [benchTeam(t)] };
    }
    return teams;
}

/** `count` generated teams of one namespace each: the scale axis while apps cannot be configured. */
export function benchTenants(count: number): Record<string, { namespaces: string[] }> {
    const teams: Record<string, { namespaces: string[] }> = {};
    for (let t = 0; t < count; t++) {
        teams[benchTeam(t)] = { namespaces: [benchTeam(t)] };
    }
    return teams;
}

/**
 * App manifest `i` (0-based), valid under `appManifestSchema`. The mix is what a real platform
 * carries: every app has a web process; every 3rd a worker; every 4th autoscales; every 5th binds
 * postgres and every 7th redis; every 6th has a cron job; every 10th a canary.
 */
export function benchApp(i: number): Record<string, unknown> {
    const name = `app-${String(i + 1).padStart(4, "0")}`;
    const processes: Record<string, unknown> = {
        web: {
            port: 8080,
            size: i % 8 === 0 ? "medium" : "small",
            instances: i % 4 === 0 ? { min: 2, max: 6 } : 2,
            health: { readiness: { path: "/healthz" }, liveness: { path: "/healthz" } },
        },
    };
    if (i % 3 === 0) {
        processes.worker = { command: ["./worker"], instances: 1 };
    }
    const services: string[] = [];
    if (i % 5 === 0) {
        services.push("postgres");
    }
    if (i % 7 === 0) {
        services.push("redis");
    }
    const app: Record<string, unknown> = {
        name,
        team: benchTeam(Math.floor(i / APPS_PER_TEAM)),
        image: `registry.example.com/bench/${name}:1.${i % 10}.0`,
        processes,
        env: { LOG_LEVEL: "info", APP_INDEX: String(i) },
        services,
    };
    if (i % 6 === 0) {
        app.cron = { nightly: { schedule: "0 3 * * *", command: ["./report"] } };
    }
    if (i % 10 === 0) {
        app.canary = { image: `registry.example.com/bench/${name}:2.0.0`, weight: 10 };
    }
    return app;
}

/** `count` app manifests. */
export function benchApps(count: number): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => benchApp(i));
}

/** A manifest as YAML text (JSON is valid YAML; no YAML library needed to write it). */
export function appManifestYaml(app: Record<string, unknown>): string {
    return `${JSON.stringify(app, null, 2)}\n`;
}

/**
 * Ways a stack config may carry apps, tried in order by the bench until the config parses and
 * the program registers the apps. The app config section is being written by another engineer;
 * each candidate is one plausible shape of `containercloud:apps`.
 */
export function appConfigCandidates(base: unknown, apps: Record<string, unknown>[], dir: string): { how: string; apps: unknown }[] {
    const obj = base !== null && typeof base === "object" && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
    return [
        { how: "containercloud:apps.inline", apps: { ...obj, inline: apps } },
        { how: "containercloud:apps.dir (YAML files in a temp dir)", apps: { ...obj, dir } },
        { how: "containercloud:apps.manifests", apps: { ...obj, manifests: apps } },
        { how: "containercloud:apps as a list", apps },
    ];
}
