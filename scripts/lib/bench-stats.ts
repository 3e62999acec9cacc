/** Pure statistics for the benchmarks: a figure is the median of several runs, with min and max. */

/** One measured figure over several runs. */
export interface Stat {
    /** Median of the samples (mean of the two middle ones for an even count). */
    median: number;
    /** Smallest sample. */
    min: number;
    /** Largest sample. */
    max: number;
    /** The samples in the order they were taken. */
    samples: number[];
}

/** Median of a non-empty list; throws on an empty one (a figure without samples is a bug). */
export function median(xs: readonly number[]): number {
    if (xs.length === 0) {
        throw new Error("median of no samples");
    }
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median, min and max of the samples. */
export function summarize(samples: readonly number[]): Stat {
    if (samples.length === 0) {
        throw new Error("summarize: no samples");
    }
    let min = samples[0];
    let max = samples[0];
    for (const x of samples) {
        min = Math.min(min, x);
        max = Math.max(max, x);
    }
    return { median: median(samples), min, max, samples: [...samples] };
}

/** `a / b`, or undefined when b is zero or either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
    if (a === undefined || b === undefined || b === 0) {
        return undefined;
    }
    return a / b;
}

/**
 * Growth ratio between two sizes: time(large) / time(small). For linear cost it is close to
 * large/small (10 for 100 → 1,000 apps); above that points at quadratic work.
 */
export function growthRatio(bySize: ReadonlyMap<number, number> | Record<number, number>, small: number, large: number): number | undefined {
    const get = (k: number) => (bySize instanceof Map ? bySize.get(k) : (bySize as Record<number, number>)[k]);
    return ratio(get(large), get(small));
}

/** Pass/fail of one target. */
export interface TargetResult {
    /** What is measured, e.g. "evaluation time vs floor (prod)". */
    name: string;
    /** The limit, e.g. "<= 1.15x". */
    limit: string;
    /** The measured value, formatted. */
    value: string;
    /** True when within the limit; undefined when not measured. */
    pass: boolean | undefined;
}

/** A target `value <= limit` (or `< limit` when strict); not measured when value is undefined. */
export function checkTarget(name: string, value: number | undefined, limit: number, fmt: (n: number) => string, strict = false): TargetResult {
    const pass = value === undefined ? undefined : strict ? value < limit : value <= limit;
    return { name, limit: `${strict ? "<" : "<="} ${fmt(limit)}`, value: value === undefined ? "not measured" : fmt(value), pass };
}

/** Milliseconds as seconds with sensible precision (`0.84 s`, `12.3 s`). */
export function fmtSeconds(ms: number): string {
    const s = ms / 1000;
    return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

/** Bytes as MiB or GiB (`412 MiB`, `1.52 GiB`). */
export function fmtBytes(bytes: number): string {
    const mib = bytes / 2 ** 20;
    return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(0)} MiB`;
}

/** A ratio as `1.07x`. */
export function fmtRatio(r: number | undefined): string {
    return r === undefined ? "n/a" : `${r.toFixed(2)}x`;
}

/** `median (min–max)` of a stat with a formatter. */
export function fmtStat(s: Stat | undefined, fmt: (n: number) => string): string {
    if (!s) {
        return "n/a";
    }
    return s.min === s.max ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}
