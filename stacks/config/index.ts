/**
 * The stack config schema: the single source of truth for every key a stack file may set.
 *
 * A stack file holds one key per section (`containercloud:etcd`, `containercloud:tenancy`, ...).
 * Each section starts from its environment's profile (plain data in the section's file); what the
 * stack file sets is merged over it, and the result is validated once, here.
 */
import * as z from "zod";
import { ENVIRONMENTS, Environment } from "../../components/core/types";
import { describeValue, valueAt } from "../../components/core/validators";
import { deepMerge, Section } from "./profile";
import { clusterSection, domainSchema, imageMirrorSchema } from "./cluster";
import { tenancySection } from "./tenancy";
import { networkSection } from "./network";
import { etcdSection } from "./etcd";
import { storageSection } from "./storage";
import { registrySection } from "./registry";
import { appEngineSection } from "./app-engine";
import { appsSection } from "./apps";

/** The Pulumi project name: every config key is `containercloud:<key>`. */
export const PROJECT = "containercloud";

/** Sections by config key, in the order they are documented. */
export const SECTIONS = {
    cluster: clusterSection,
    tenancy: tenancySection,
    network: networkSection,
    etcd: etcdSection,
    storage: storageSection,
    registry: registrySection,
    appEngine: appEngineSection,
    apps: appsSection,
} as const satisfies Record<string, Section<z.ZodTypeAny>>;

/** Top-level values that are not sections, with their per-environment defaults. */
const TOP_DEFAULTS: Record<Environment, { domain: string }> = {
    local: { domain: "local.containercloud.test" },
    dev: { domain: "dev.containercloud.test" },
    staging: { domain: "staging.containercloud.test" },
    prod: { domain: "containercloud.example.com" },
};

/** Schema of the whole stack config (after profile defaults are merged in). */
export const platformSchema = z.strictObject({
    /** Environment profile: decides sizes and HA defaults. */
    environment: z.enum(ENVIRONMENTS as unknown as [Environment, ...Environment[]]),
    /** Base domain of the platform and its apps. */
    domain: domainSchema,
    /** Registry that replaces the registry of every image the platform deploys. @default none */
    imageMirror: imageMirrorSchema,
    cluster: SECTIONS.cluster.schema,
    tenancy: SECTIONS.tenancy.schema,
    network: SECTIONS.network.schema,
    etcd: SECTIONS.etcd.schema,
    storage: SECTIONS.storage.schema,
    registry: SECTIONS.registry.schema,
    appEngine: SECTIONS.appEngine.schema,
    apps: SECTIONS.apps.schema,
});

/** The validated stack config every component's args are built from. */
export type PlatformConfig = z.infer<typeof platformSchema>;

/** One problem with a stack config: the key path, what was there and what is allowed. */
export interface ConfigIssue {
    /** Key path as the user writes it, e.g. `containercloud:etcd.replicas`. */
    path: string;
    /** What is wrong and what is allowed. */
    message: string;
    /** The value found at that path (undefined when missing). */
    value: unknown;
}

/** Either the parsed config or every problem found. */
export type ParseResult = { ok: true; config: PlatformConfig } | { ok: false; issues: ConfigIssue[] };

function keyPath(path: PropertyKey[]): string {
    const [head, ...rest] = path;
    let out = `${PROJECT}:${String(head ?? "")}`;
    for (const p of rest) {
        out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
    }
    return out;
}

/** Formats an issue as one line: `path: message (got value)`. */
export function formatIssue(i: ConfigIssue): string {
    return `${i.path}: ${i.message} (got ${describeValue(i.value)})`;
}

/**
 * Validates raw stack config (keys without the `containercloud:` prefix; object values already
 * parsed from JSON/YAML) and returns the typed config or every issue, one per bad key.
 */
export function parsePlatformConfig(raw: Record<string, unknown>): ParseResult {
    const env = raw.environment;
    if (typeof env !== "string" || !(ENVIRONMENTS as readonly string[]).includes(env)) {
        return {
            ok: false,
            issues: [{ path: keyPath(["environment"]), message: `must be one of ${ENVIRONMENTS.join(", ")}`, value: env }],
        };
    }
    const e = env as Environment;
    const merged: Record<string, unknown> = { ...TOP_DEFAULTS[e], ...raw };
    for (const [key, section] of Object.entries(SECTIONS)) {
        merged[key] = deepMerge(section.profiles[e] as unknown, raw[key]);
    }
    const result = platformSchema.safeParse(merged);
    if (result.success) {
        return { ok: true, config: result.data };
    }
    const issues: ConfigIssue[] = [];
    for (const issue of result.error.issues) {
        if (issue.code === "unrecognized_keys") {
            for (const k of issue.keys) {
                issues.push({
                    path: keyPath([...issue.path, k]),
                    message: `unknown key; allowed here: ${allowedKeys(issue.path).join(", ")}`,
                    value: valueAt(merged, [...issue.path, k]),
                });
            }
            continue;
        }
        issues.push({ path: keyPath(issue.path), message: issue.message, value: valueAt(merged, issue.path) });
    }
    return { ok: false, issues };
}

function allowedKeys(path: PropertyKey[]): string[] {
    let schema: z.ZodTypeAny = platformSchema;
    for (const p of path) {
        const shape = (schema as any).shape ?? (schema as any)._def?.innerType?.shape;
        if (shape && typeof p === "string" && shape[p]) {
            schema = shape[p];
            while ((schema as any)._def?.innerType) {
                schema = (schema as any)._def.innerType;
            }
        } else {
            return ["(see the config reference in README.md)"];
        }
    }
    const shape = (schema as any).shape;
    return shape ? Object.keys(shape) : ["(see the config reference in README.md)"];
}

/**
 * Reads raw config from Pulumi's `allConfig()` shape (`containercloud:etcd` → JSON string) into
 * the unprefixed, parsed form `parsePlatformConfig` takes.
 */
export function fromPulumiConfig(all: Record<string, string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) {
        const [ns, ...rest] = k.split(":");
        if (ns !== PROJECT) {
            continue;
        }
        const key = rest.join(":");
        // Pulumi hands object and list values over as JSON text and scalars as plain strings.
        const t = v.trimStart();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                out[key] = JSON.parse(v);
                continue;
            } catch {
                // not JSON after all: keep the text
            }
        }
        out[key] = v;
    }
    return out;
}
