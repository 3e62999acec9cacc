/** Kubernetes quantities (`250m`, `1.5`, `512Mi`, `1G`, `1e9`) as plain numbers. */

const SUFFIX: Record<string, number> = {
    m: 1e-3,
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * Parses a quantity into base units (cores for CPU, bytes for memory); `undefined` when the value
 * is not a quantity, so callers can report it instead of throwing inside the analyzer.
 */
export function parseQuantity(q: unknown): number | undefined {
    if (typeof q === "number") {
        return Number.isFinite(q) && q >= 0 ? q : undefined;
    }
    if (typeof q !== "string") {
        return undefined;
    }
    const m = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/.exec(q.trim());
    if (!m) {
        return undefined;
    }
    const base = parseFloat(m[1] + (m[2] ?? ""));
    return m[3] ? base * SUFFIX[m[3]] : base;
}
