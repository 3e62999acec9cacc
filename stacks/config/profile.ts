/** Helpers for per-environment config sections: a zod schema plus one data row per environment. */
import * as z from "zod";
import { Environment } from "../../components/core/types";

/** Per-environment defaults of a section: plain data, merged under what the stack file sets. */
export type Profiles<T> = Record<Environment, T>;

/** A deep-partial view of a section's input, which is what a stack file may set. */
export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A config section: its schema and the defaults each environment starts from. */
export interface Section<S extends z.ZodTypeAny> {
    schema: S;
    profiles: Profiles<DeepPartial<z.input<S>>>;
}

/** A value that may be a Pulumi secret (`secure:` in the stack file). */
export const secretString = z.union([z.string(), z.strictObject({ secure: z.string() })]);
/** An odd member count for quorum-based systems. */
export const oddCount = (what: string) =>
    z.int().positive().refine((n) => n % 2 === 1, { message: `${what} must be odd (1, 3 or 5) so a majority survives a failure` });

/** Key that selects the variant of a discriminated section (e.g. `cluster.mode`). */
export const DISCRIMINATOR = "mode";

/**
 * Deep-merges `over` onto `base`; arrays and scalars from `over` replace those of `base`. An object
 * that picks another variant (a different `mode`) replaces the default whole, since the default's
 * other keys belong to the variant it no longer is.
 */
export function deepMerge<T>(base: T, over: unknown): T {
    if (over === undefined) {
        return base;
    }
    if (base === null || typeof base !== "object" || Array.isArray(base) || over === null || typeof over !== "object" || Array.isArray(over)) {
        return over as T;
    }
    const b = base as Record<string, unknown>;
    const o = over as Record<string, unknown>;
    if (DISCRIMINATOR in o && DISCRIMINATOR in b && o[DISCRIMINATOR] !== b[DISCRIMINATOR]) {
        return over as T;
    }
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
        out[k] = deepMerge(out[k], v);
    }
    return out as T;
}
