/**
 * The floor: the very registrations the real program makes (types, names, inputs, parents),
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
}

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
    custom(type: string, name: string, inputs: Record<string, unknown>, parent: R | undefined): R;
    component(type: string, name: string, parent: R | undefined): R;
}

/**
 * Creates every recorded resource in order with its recorded parent. The stack resource itself
 * (`pulumi:pulumi:Stack`) is skipped: the mock runtime creates its own. Throws when a parent is
 * missing, which would mean the fixture is not in registration order.
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
        const created = r.custom ? factory.custom(r.type, r.name, r.inputs, parent) : factory.component(r.type, r.name, parent);
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
