/**
 * The floor: the very registrations the real program makes (types, names, inputs, parents and
 * the registration options the engine receives: aliases, dependencies, secret outputs...),
 * recorded once into a JSON fixture and replayed with plain `CustomResource`/`ComponentResource`
 * constructors and nothing else. What the program costs above this is the cost of its logic.
 */

/** One registration as recorded from the real program. */
export interface RecordedResource {
    /** Type token. */
    type: string;
    /** Pulumi name. */
    name: string;
    /** True for custom (provider) resources, false for components. */
    custom: boolean;
    /** URN the mock monitor assigned. */
    urn: string;
    /** URN of the parent, "" for the stack. */
    parentUrn: string;
    /** Resolved inputs (components: {}). */
    inputs: Record<string, unknown>;
    /** Registration options as the engine received them; only those set. */
    options?: RecordedOptions;
}

/**
 * The options of a registration request that change what the engine does with it. Aliases are
 * the URNs the SDK computed (e.g. the older API versions every typed kubernetes class declares);
 * `dependsOn` holds the URNs of every direct dependency, explicit or carried by an Output input
 * (the floor's inputs are plain values, so it declares them instead).
 */
export interface RecordedOptions {
    aliases?: RecordedAlias[];
    dependsOn?: string[];
    additionalSecretOutputs?: string[];
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    protect?: boolean;
    deleteBeforeReplace?: boolean;
    retainOnDelete?: boolean;
}

/**
 * An alias as sent: a URN, or a spec whose empty fields were left out (`parentUrn` only when it
 * is not the resource's own parent, which the SDK fills in by default).
 */
export type RecordedAlias = string | { name?: string; type?: string; stack?: string; project?: string; parentUrn?: string; noParent?: true };

/** An alias as the replay passes it to a constructor (pulumi's `Alias` shape). */
export type ReplayAlias = string | { name?: string; type?: string; stack?: string; project?: string; parent?: string };

/** Options the replay passes to a constructor: recorded ones with dependencies resolved to resources. */
export type ReplayOptions<R> = Omit<RecordedOptions, "aliases" | "dependsOn"> & { parent?: R; aliases?: ReplayAlias[]; dependsOn?: R[] };

/** The fixture file the bench writes before measuring the floor. */
export interface FloorFixture {
    /** Environment recorded. */
    env: string;
    /** Generated apps (or tenants) added to the environment's config. */
    size: number;
    /** What `size` counts: apps, tenants, or nothing for the plain environment. */
    scaled: "apps" | "tenants" | "none";
    /** Registrations in the order the monitor received them (a parent always before its children). */
    resources: RecordedResource[];
}

/** Constructors the replay calls; the bench passes pulumi's, the tests pass fakes. */
export interface FloorFactory<R> {
    custom(type: string, name: string, inputs: Record<string, unknown>, opts: ReplayOptions<R>): R;
    component(type: string, name: string, opts: ReplayOptions<R>): R;
}

/**
 * Creates every recorded resource in order with its recorded parent and options. The stack
 * resource itself (`pulumi:pulumi:Stack`) is skipped: the mock runtime creates its own. Throws
 * when a parent or dependency is missing, which would mean the fixture is not in registration
 * order (a request is only sent once the URNs of its dependencies are known).
 */
export function replayFloor<R>(resources: readonly RecordedResource[], factory: FloorFactory<R>): R[] {
    const byUrn = new Map<string, R>();
    const out: R[] = [];
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") {
            continue;
        }
        let parent: R | undefined;
        if (r.parentUrn !== "" && !r.parentUrn.includes("::pulumi:pulumi:Stack::")) {
            parent = byUrn.get(r.parentUrn);
            if (parent === undefined) {
                throw new Error(`floor fixture: ${r.type} ${r.name} comes before its parent ${r.parentUrn}`);
            }
        }
        const { dependsOn, aliases, ...rest } = r.options ?? {};
        const opts: ReplayOptions<R> = { ...rest, parent };
        if (aliases !== undefined) {
            opts.aliases = aliases.map((a) => {
                if (typeof a === "string") {
                    return a;
                }
                const { parentUrn, noParent, ...spec } = a;
                // pulumi's Alias: a present `parent: undefined` means "no parent"; absent means the resource's own
                return noParent ? { ...spec, parent: undefined } : parentUrn !== undefined ? { ...spec, parent: parentUrn } : spec;
            });
        }
        if (dependsOn !== undefined) {
            opts.dependsOn = dependsOn.filter((u) => !u.includes("::pulumi:pulumi:Stack::")).map((u) => {
                const dep = byUrn.get(u);
                if (dep === undefined) {
                    throw new Error(`floor fixture: ${r.type} ${r.name} depends on ${u}, which comes after it`);
                }
                return dep;
            });
        }
        const created = r.custom ? factory.custom(r.type, r.name, r.inputs, opts) : factory.component(r.type, r.name, opts);
        byUrn.set(r.urn, created);
        out.push(created);
    }
    return out;
}

/** Counts by type token, for the report and to check that the floor matches the program. */
export function countByType(resources: readonly { type: string }[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of resources) {
        out[r.type] = (out[r.type] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
