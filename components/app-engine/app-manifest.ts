/**
 * The app model: what an app team writes to get an app on the platform (image or source,
 * processes, size, scale, health checks, env, routes, services it binds, cron jobs).
 *
 * The zod schema is the single source of truth; `AppManifest` is its parsed type.
 * `parseAppManifest` returns one line per problem, each naming the app and the field.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { isPinned } from "../core/images";
import { ResourceRequirements } from "../core/types";
import { parseBytes, parseMillicores } from "../core/resources";
import { cpuMemory, cronScheduleString, describeValue, dnsLabel, dnsName, valueAt } from "../core/validators";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Backing services an app may bind, provided by the Services module. */
export const SERVICE_TYPES = ["postgres", "redis", "mysql", "rabbitmq"] as const;
/** A backing service type. */
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Size presets: what `size: small|medium|large` means for one container. */
export const SIZE_PRESETS: Record<"small" | "medium" | "large", ResourceRequirements> = {
    small: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    medium: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    large: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
};

const port = z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be between 1 and 65535").max(65535, "must be between 1 and 65535");

const probeSchema = z.strictObject({
    /** HTTP path; the probe is an HTTP GET when set. */
    path: z.string().startsWith("/", "must start with '/'").optional(),
    /** Command; the probe runs it in the container when set. */
    command: z.array(z.string()).min(1).optional(),
    /** Port probed. @default the process port */
    port: port.optional(),
    /** Seconds between probes. @default 10 */
    periodSeconds: z.int().positive().default(10),
    /** Seconds before the first probe. @default 0 */
    initialDelaySeconds: z.int().nonnegative().default(0),
    /** Failures before the probe fails. @default 3 */
    failureThreshold: z.int().positive().default(3),
});

const instancesSchema = z.union([
    /** A fixed number of instances (no autoscaling). */
    z.number({ error: "must be a number or {min, max}" }).int().min(0, "must be 0 or more"),
    z.strictObject({
        /** Fewest instances. @default 1 */
        min: z.int().min(1, "must be 1 or more").default(1),
        /** Most instances. */
        max: z.int().min(1, "must be 1 or more"),
        /** Average CPU utilisation (% of requests) the autoscaler aims for. @default 70 */
        cpuTarget: z.int().min(1).max(100, "must be between 1 and 100").default(70),
        /** Average memory utilisation (% of requests) the autoscaler aims for. @default none */
        memoryTarget: z.int().min(1).max(100, "must be between 1 and 100").optional(),
    }),
]);

const processSchema = z.strictObject({
    /** `web` processes get a Service and a route; `worker` processes get neither. @default "web" for the process named web, else "worker" */
    type: z.enum(["web", "worker"]).optional(),
    /** Command (entrypoint) override. @default the image's */
    command: z.array(z.string()).optional(),
    /** Arguments. @default the image's */
    args: z.array(z.string()).optional(),
    /** Port the process listens on (web processes). @default 8080 for web */
    port: port.optional(),
    /**
     * Where the process serves Prometheus metrics: Platform Support's Prometheus scrapes it, and the
     * tenant's NetworkPolicy lets Prometheus (only) reach this port. @default none (not scraped)
     */
    metrics: z.strictObject({
        /** Port of the metrics endpoint (the container port named `metrics`). */
        port,
        /** Path of the metrics endpoint. @default "/metrics" */
        path: z.string().startsWith("/", "must start with '/'").default("/metrics"),
    }).optional(),
    /** Size preset. @default "small" */
    size: z.enum(["small", "medium", "large"]).default("small"),
    /** Explicit requests and limits; wins over `size`. */
    resources: z.strictObject({ requests: cpuMemory, limits: cpuMemory }).optional(),
    /** Fixed count or autoscaling bounds. @default 1 */
    instances: instancesSchema.default(1),
    /**
     * Health checks; a liveness check that repeats the readiness check becomes a TCP check on the port (README, *Probes and CronJobs*).
     * @default web processes: readiness an HTTP GET of `/` (any 2xx or 3xx), liveness and startup TCP checks on the port; workers: none
     */
    health: z.strictObject({ readiness: probeSchema.optional(), liveness: probeSchema.optional(), startup: probeSchema.optional() }).default({}),
});

const secretRef = z.strictObject({
    /** Secret in the app's namespace. */
    secret: dnsLabel,
    /** Key in the Secret. */
    key: z.string().min(1),
});

const routeSchema = z.strictObject({
    /** Host name. @default `<app>.<team>.<domain>` */
    host: dnsName.optional(),
    /** Path prefixes. @default ["/"] */
    paths: z.array(z.string().startsWith("/", "must start with '/'")).min(1).default(["/"]),
    /** TLS: true uses the router's default (wildcard) certificate; a string names a TLS Secret in the app's namespace. @default true */
    tls: z.union([z.boolean(), dnsLabel]).default(true),
    /** Process the route sends traffic to. @default "web" */
    process: dnsLabel.default("web"),
});

const serviceEntry = z.union([
    z.string(),
    z.strictObject({
        /** Service type. */
        type: z.string(),
        /** Binding name (env prefix and `/bindings/<name>`). @default the type */
        name: dnsLabel.optional(),
        /** Size of the instance. @default "small" */
        size: z.enum(["small", "medium", "large"]).default("small"),
    }),
]);

const cronSchema = z.strictObject({
    /** Cron schedule, five fields (or a macro such as `@daily`); a run missed by more than half its period is skipped (`cronSchedule`). */
    schedule: cronScheduleString,
    /** Command run by the job. */
    command: z.array(z.string()).min(1),
    /** Size preset. @default "small" */
    size: z.enum(["small", "medium", "large"]).default("small"),
});

/** Schema of one app manifest (YAML file or inline stack config entry). */
export const appManifestSchema = z.strictObject({
    /** App name (DNS label); objects are named after it. */
    name: dnsLabel,
    /** Team (tenant) that owns the app; the app goes into the team's first namespace. */
    team: dnsLabel,
    /** A pinned image (tag other than latest, or digest). Exactly one of image or source. */
    image: z.string().refine(isPinned, "must be pinned to a tag or digest (not latest)").optional(),
    /** Source built into an image and pushed to the platform registry. Exactly one of image or source. */
    source: z.strictObject({
        /** Build context directory, relative to the project. */
        dir: z.string().min(1),
        /** Dockerfile, relative to `dir`. @default "Dockerfile" */
        dockerfile: z.string().min(1).default("Dockerfile"),
    }).optional(),
    /** Processes by name. */
    processes: z.record(dnsLabel, processSchema).refine((p) => Object.keys(p).length > 0, "must declare at least one process"),
    /** Plain environment variables. @default {} */
    env: z.record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string()).default({}),
    /** Environment variables read from Secrets. @default {} */
    secretEnv: z.record(z.string().regex(ENV_NAME, "must be an environment variable name"), secretRef).default({}),
    /** Extra routes (every web process gets `<app>.<team>.<domain>` already). @default [] */
    routes: z.array(routeSchema).default([]),
    /** Backing services the app binds. @default [] */
    services: z.array(serviceEntry).default([]),
    /** Cron jobs by name. @default {} */
    cron: z.record(dnsLabel, cronSchema).default({}),
    /** A second version that gets a share of the web traffic. @default none */
    canary: z.strictObject({
        /** Pinned image of the canary. */
        image: z.string().refine(isPinned, "must be pinned to a tag or digest (not latest)"),
        /** Percent of the traffic it gets (0-100). */
        weight: z.int().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100"),
    }).optional(),
    /** Mount the ServiceAccount token (only for apps that call the Kubernetes API). @default false */
    automountServiceAccountToken: z.boolean().default(false),
});

/** A service binding after parsing: normalised to type + name + size. */
export interface ServiceBindingSpec {
    /** Service type. */
    type: ServiceType;
    /** Binding name. */
    name: string;
    /** Size of the instance. */
    size: "small" | "medium" | "large";
}

/** Parsed process type (with its kind resolved). */
export type ProcessSpec = z.infer<typeof processSchema> & { type: "web" | "worker" };

/** A parsed, valid app manifest. */
export type AppManifest = Omit<z.infer<typeof appManifestSchema>, "services" | "processes"> & {
    services: ServiceBindingSpec[];
    processes: Record<string, ProcessSpec>;
};

/** Either the app or every problem, one line each. */
export type AppParseResult = { ok: true; app: AppManifest } | { ok: false; errors: string[] };

function fieldPath(p: PropertyKey[]): string {
    let out = "";
    for (const k of p) {
        out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
    }
    return out === "" ? "(manifest)" : out;
}

function messageFor(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_type") {
        return `must be ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
    }
    if (issue.code === "invalid_value") {
        return `must be one of ${issue.values.map(String).join(", ")}`;
    }
    if (issue.code === "unrecognized_keys") {
        return `unknown field(s) ${issue.keys.join(", ")}`;
    }
    return issue.message;
}

/** Whether two declared checks probe the same thing (same command, or same path and port), as kube-score compares them. */
export function sameCheck(a: z.infer<typeof probeSchema>, b: z.infer<typeof probeSchema>, processPort: number | undefined): boolean {
    return a.command || b.command ? JSON.stringify(a.command) === JSON.stringify(b.command) : a.path === b.path && (a.port ?? processPort) === (b.port ?? processPort);
}

/** Validates cross-field rules zod does not express; returns [path, message, value] triples. */

function crossFieldProblems(app: z.infer<typeof appManifestSchema>): [string, string, unknown][] {
    const problems: [string, string, unknown][] = [];
    if (app.image === undefined && app.source === undefined) {
        problems.push(["image", "set either image (a pinned reference) or source {dir, dockerfile}", undefined]);
    }
    if (app.image !== undefined && app.source !== undefined) {
        problems.push(["source", "set either image or source, not both", app.source]);
    }
    for (const [pname, p] of Object.entries(app.processes)) {
        const inst = p.instances;
        if (typeof inst === "object" && inst.min > inst.max) {
            problems.push([`processes.${pname}.instances`, `min (${inst.min}) must not be above max (${inst.max})`, undefined]);
        }
        if (p.resources) {
            if (parseMillicores(p.resources.requests.cpu) > parseMillicores(p.resources.limits.cpu)) {
                problems.push([`processes.${pname}.resources.requests.cpu`, `must not be above limits.cpu (${p.resources.limits.cpu})`, p.resources.requests.cpu]);
            }
            if (parseBytes(p.resources.requests.memory) > parseBytes(p.resources.limits.memory)) {
                problems.push([`processes.${pname}.resources.requests.memory`, `must not be above limits.memory (${p.resources.limits.memory})`, p.resources.requests.memory]);
            }
        }
        const kind = p.type ?? (pname === "web" ? "web" : "worker");
        if (kind === "web" && inst === 0) {
            problems.push([`processes.${pname}.instances`, "a web process needs at least 1 instance", inst]);
        }
        const { readiness, liveness } = p.health;
        const processPort = p.port ?? (kind === "web" ? 8080 : undefined);
        if (readiness && liveness && sameCheck(readiness, liveness, processPort)) {
            if ((liveness.port ?? processPort) === undefined) {
                problems.push([`processes.${pname}.health.liveness`, "is the same check as health.readiness and the process has no port for a TCP liveness check: give liveness a command of its own", undefined]);
            } else if (!readiness.command && !readiness.path) {
                problems.push([`processes.${pname}.health.liveness`, "is the same TCP check as health.readiness: give readiness an HTTP path or a command", undefined]);
            }
        }
    }
    app.services.forEach((s, i) => {
        const type = typeof s === "string" ? s : s.type;
        if (!(SERVICE_TYPES as readonly string[]).includes(type)) {
            problems.push([typeof s === "string" ? `services[${i}]` : `services[${i}].type`, `unknown service; use one of ${SERVICE_TYPES.join(", ")}`, type]);
        }
    });
    const names = app.services.map((s) => (typeof s === "string" ? s : (s.name ?? s.type)));
    names.forEach((n, i) => {
        if (names.indexOf(n) !== i) {
            problems.push([`services[${i}]`, `binding name "${n}" is used twice: give one a name`, n]);
        }
    });
    app.routes.forEach((r, i) => {
        const target = app.processes[r.process];
        const kind = target?.type ?? (r.process === "web" ? "web" : "worker");
        if (!target || kind !== "web") {
            problems.push([`routes[${i}].process`, "must name a web process of this app", r.process]);
        }
    });
    if (app.canary && !Object.keys(app.processes).includes("web")) {
        problems.push(["canary", "needs a process named web to split traffic for", app.canary]);
    }
    return problems;
}

/**
 * Parses one raw manifest. `source` (a file path or `stack config apps[0]`) names the app in
 * errors when the manifest has no usable name. Every error is one line:
 * `app <name>: <field>: <problem> (got <value>)`.
 */
export function parseAppManifest(raw: unknown, source: string): AppParseResult {
    const rawName = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>).name : undefined;
    const label = typeof rawName === "string" && rawName !== "" ? rawName : source;
    const line = (field: string, message: string, value: unknown) =>
        value === undefined ? `app ${label}: ${field}: ${message}` : `app ${label}: ${field}: ${message} (got ${describeValue(value)})`;

    const result = appManifestSchema.safeParse(raw);
    if (!result.success) {
        const errors = result.error.issues.map((issue) => {
            const value = issue.code === "unrecognized_keys" ? undefined : valueAt(raw, issue.path);
            return line(fieldPath(issue.path), messageFor(issue), value);
        });
        // Cross-field rules still apply when only other fields are wrong: report "no image nor source" too.
        if (raw !== null && typeof raw === "object") {
            const r = raw as Record<string, unknown>;
            if (r.image === undefined && r.source === undefined) {
                errors.push(line("image", "set either image (a pinned reference) or source {dir, dockerfile}", undefined));
            }
        }
        return { ok: false, errors };
    }
    const problems = crossFieldProblems(result.data);
    if (problems.length > 0) {
        return { ok: false, errors: problems.map(([f, m, v]) => line(f, m, v)) };
    }
    const d = result.data;
    const processes: Record<string, ProcessSpec> = {};
    for (const [pname, p] of Object.entries(d.processes)) {
        const type = p.type ?? (pname === "web" ? "web" : "worker");
        processes[pname] = { ...p, type, port: p.port ?? (type === "web" ? 8080 : undefined) };
    }
    const services: ServiceBindingSpec[] = d.services.map((s) =>
        typeof s === "string"
            ? { type: s as ServiceType, name: s, size: "small" }
            : { type: s.type as ServiceType, name: s.name ?? s.type, size: s.size });
    return { ok: true, app: { ...d, processes, services } };
}

/** Resolved requests and limits of a process: explicit resources win over the size preset. */
export function processResources(p: { size: "small" | "medium" | "large"; resources?: ResourceRequirements }): ResourceRequirements {
    const r = p.resources ?? SIZE_PRESETS[p.size];
    return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** Fewest and most instances of a process; `autoscale` is false for a fixed count. */
export function instanceBounds(p: ProcessSpec): { min: number; max: number; autoscale: boolean; cpuTarget: number; memoryTarget?: number } {
    if (typeof p.instances === "number") {
        return { min: p.instances, max: p.instances, autoscale: false, cpuTarget: 70 };
    }
    return { min: p.instances.min, max: p.instances.max, autoscale: true, cpuTarget: p.instances.cpuTarget, memoryTarget: p.instances.memoryTarget };
}

/** Either every app or every problem across all manifests. */
export type AppsLoadResult = { ok: true; apps: AppManifest[] } | { ok: false; errors: string[] };

/**
 * Parses a list of raw manifests (each with the place it came from) and checks that app names
 * are unique per team. Returns every error from every manifest.
 */
export function parseAppManifests(raws: { raw: unknown; source: string }[]): AppsLoadResult {
    const apps: AppManifest[] = [];
    const errors: string[] = [];
    const seen = new Map<string, string>();
    for (const { raw, source } of raws) {
        const r = parseAppManifest(raw, source);
        if (!r.ok) {
            errors.push(...r.errors);
            continue;
        }
        const key = `${r.app.team}/${r.app.name}`;
        const first = seen.get(key);
        if (first !== undefined) {
            errors.push(`app ${r.app.name}: name: team ${r.app.team} already has an app of this name (from ${first}, again in ${source})`);
            continue;
        }
        seen.set(key, source);
        apps.push(r.app);
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, apps };
}

/**
 * Reads every `*.yaml`/`*.yml` manifest in `dir` (sorted, so the order is stable). A missing
 * folder means no apps. YAML syntax errors are reported as one line naming the file.
 */
export function readAppManifestDir(dir: string): { raws: { raw: unknown; source: string }[]; errors: string[] } {
    if (!fs.existsSync(dir)) {
        return { raws: [], errors: [] };
    }
    const raws: { raw: unknown; source: string }[] = [];
    const errors: string[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        const full = path.join(dir, file);
        try {
            raws.push({ raw: parseYaml(fs.readFileSync(full, "utf8")) as unknown, source: full });
        } catch (e) {
            errors.push(`app ${full}: (file): not valid YAML: ${(e as Error).message.split("\n")[0]}`);
        }
    }
    return { raws, errors };
}

/** Loads the apps of `dir` plus inline manifests (inline ones are named `<label>[i]`). */
export function loadApps(dir: string | undefined, inline: unknown[] = [], inlineLabel = "containercloud:apps.inline"): AppsLoadResult {
    const fromDir = dir === undefined ? { raws: [], errors: [] } : readAppManifestDir(dir);
    const all = [...fromDir.raws, ...inline.map((raw, i) => ({ raw, source: `${inlineLabel}[${i}]` }))];
    const parsed = parseAppManifests(all);
    if (fromDir.errors.length > 0) {
        return { ok: false, errors: [...fromDir.errors, ...(parsed.ok ? [] : parsed.errors)] };
    }
    return parsed;
}
