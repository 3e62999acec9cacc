/** Kubernetes quantity arithmetic and container resource helpers. */
import { ResourceRequirements } from "./types";

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** Parses a memory/storage quantity (`128Mi`, `1G`, `1024`) into bytes; throws on anything else. */
export function parseBytes(q: string): number {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(q.trim());
    if (!m) {
        throw new Error(`"${q}" is not a Kubernetes quantity (use e.g. 512Mi or 2Gi)`);
    }
    const unit = m[2];
    const factor = unit === undefined ? 1 : (BINARY[unit] ?? DECIMAL[unit]);
    return Math.round(parseFloat(m[1]) * factor);
}

/** Parses a CPU quantity (`250m`, `1`, `0.5`) into millicores; throws on anything else. */
export function parseMillicores(q: string): number {
    const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(q.trim());
    if (!m) {
        throw new Error(`"${q}" is not a CPU quantity (use e.g. 250m or 2)`);
    }
    return m[2] ? Math.round(parseFloat(m[1])) : Math.round(parseFloat(m[1]) * 1000);
}

/** Formats millicores as a quantity (`1500` → `1500m`, `2000` → `2`). */
export function formatMillicores(m: number): string {
    return m % 1000 === 0 ? `${m / 1000}` : `${m}m`;
}

/** Formats bytes as the largest exact binary unit (`134217728` → `128Mi`). */
export function formatBytes(b: number): string {
    for (const unit of ["Pi", "Ti", "Gi", "Mi", "Ki"]) {
        const f = BINARY[unit];
        if (b >= f && b % f === 0) {
            return `${b / f}${unit}`;
        }
    }
    return `${b}`;
}

/** Shorthand for a container's `resources` block. */
export function resources(cpuRequest: string, memRequest: string, cpuLimit: string, memLimit: string): ResourceRequirements {
    return { requests: { cpu: cpuRequest, memory: memRequest }, limits: { cpu: cpuLimit, memory: memLimit } };
}

/**
 * A container's `resources` block as the Kubernetes API takes it: fresh `requests` and `limits`
 * objects, so the typed args a component was given are never shared with (or changed through) a spec.
 */
export function toK8s(r: ResourceRequirements): { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } } {
    return { requests: { ...r.requests }, limits: { ...r.limits } };
}
