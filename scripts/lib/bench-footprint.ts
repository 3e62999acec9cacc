/**
 * The platform's own footprint: the CPU and memory its workloads request and are limited to,
 * from rendered manifests. Pure functions over plain Kubernetes objects.
 *
 * Counting rules (stated in the report):
 * - every container and init container counts (an upper bound: Kubernetes charges a pod
 *   max(largest init container, sum of containers));
 * - Deployments, StatefulSets and ReplicaSets × `spec.replicas` (default 1);
 * - DaemonSets × an assumed node count;
 * - bare Pods × 1;
 * - Jobs and CronJobs are transient: summed separately (× parallelism), not in the steady state.
 */

/** CPU in millicores and memory in bytes. */
export interface CpuMem {
    cpuMillis: number;
    memoryBytes: number;
}

/** Requests and limits. */
export interface Footprint {
    requests: CpuMem;
    limits: CpuMem;
    /** Pods (replicas) counted. */
    pods: number;
    /** Containers without a request or limit for cpu or memory (they count as 0). */
    unbounded: number;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * A Kubernetes quantity as a number of base units (`"250m"` → 0.25, `"1.5Gi"` → 1610612736,
 * `"1e3"` → 1000, `2` → 2). Throws on anything that is not a quantity.
 */
export function parseQuantity(q: string | number): number {
    if (typeof q === "number") {
        return q;
    }
    const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
    if (!m) {
        throw new Error(`"${q}" is not a Kubernetes quantity`);
    }
    const n = parseFloat(m[1] + (m[2] ?? ""));
    const suffix = m[3] ?? "";
    return n * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** A CPU quantity in millicores (`"250m"` → 250, `"2"` → 2000). */
export function cpuMillis(q: string | number | undefined): number {
    return q === undefined ? 0 : Math.round(parseQuantity(q) * 1000);
}

/** A memory quantity in bytes. */
export function memoryBytes(q: string | number | undefined): number {
    return q === undefined ? 0 : Math.round(parseQuantity(q));
}

/** Sum of quantities in base units. */
export function sumQuantities(qs: readonly (string | number)[]): number {
    return qs.reduce<number>((acc, q) => acc + parseQuantity(q), 0);
}

/** An empty footprint. */
export function emptyFootprint(): Footprint {
    return { requests: { cpuMillis: 0, memoryBytes: 0 }, limits: { cpuMillis: 0, memoryBytes: 0 }, pods: 0, unbounded: 0 };
}

/** Adds b into a (in place) and returns a. */
export function addFootprint(a: Footprint, b: Footprint): Footprint {
    a.requests.cpuMillis += b.requests.cpuMillis;
    a.requests.memoryBytes += b.requests.memoryBytes;
    a.limits.cpuMillis += b.limits.cpuMillis;
    a.limits.memoryBytes += b.limits.memoryBytes;
    a.pods += b.pods;
    a.unbounded += b.unbounded;
    return a;
}

/** A minimal Kubernetes object. */
export interface KubeObject {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    spec?: any;
}

interface Container {
    resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}

/** Footprint of one pod spec (all containers and init containers), × `count`. */
export function podFootprint(podSpec: { containers?: Container[]; initContainers?: Container[] } | undefined, count: number): Footprint {
    const f = emptyFootprint();
    const all = [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])];
    for (const c of all) {
        const req = c.resources?.requests ?? {};
        const lim = c.resources?.limits ?? {};
        if (req.cpu === undefined || req.memory === undefined || lim.cpu === undefined || lim.memory === undefined) {
            f.unbounded += count;
        }
        f.requests.cpuMillis += cpuMillis(req.cpu) * count;
        f.requests.memoryBytes += memoryBytes(req.memory) * count;
        f.limits.cpuMillis += cpuMillis(lim.cpu) * count;
        f.limits.memoryBytes += memoryBytes(lim.memory) * count;
    }
    f.pods = count;
    return f;
}

/** Whether a workload runs all the time or only now and then. */
export type WorkloadClass = "steady" | "transient";

/** The pod template and replica count of a workload object; undefined for anything else. */
export function workloadPods(o: KubeObject, nodeCount: number): { podSpec: any; count: number; cls: WorkloadClass } | undefined {
    const spec = o.spec ?? {};
    switch (o.kind) {
        case "Deployment":
        case "StatefulSet":
        case "ReplicaSet":
        case "ReplicationController":
            return { podSpec: spec.template?.spec, count: spec.replicas ?? 1, cls: "steady" };
        case "DaemonSet":
            return { podSpec: spec.template?.spec, count: nodeCount, cls: "steady" };
        case "Pod":
            return { podSpec: spec, count: 1, cls: "steady" };
        case "Job":
            return { podSpec: spec.template?.spec, count: spec.parallelism ?? 1, cls: "transient" };
        case "CronJob":
            return { podSpec: spec.jobTemplate?.spec?.template?.spec, count: spec.jobTemplate?.spec?.parallelism ?? 1, cls: "transient" };
        default:
            return undefined;
    }
}

/**
 * The group an object's footprint is reported under: `<part-of>/<component>` from the
 * `app.kubernetes.io/*` labels (either alone when only one is set), else `ns/<namespace>`.
 */
export function footprintGroup(o: KubeObject): string {
    const labels = o.metadata?.labels ?? {};
    const partOf = labels["app.kubernetes.io/part-of"];
    const component = labels["app.kubernetes.io/component"];
    if (partOf !== undefined && component !== undefined) {
        return `${partOf}/${component}`;
    }
    return partOf ?? component ?? (o.metadata?.namespace ? `ns/${o.metadata.namespace}` : "(cluster)");
}

/** Footprint of a set of objects: steady-state and transient totals, and steady-state by group. */
export interface FootprintReport {
    steady: Footprint;
    transient: Footprint;
    byGroup: Record<string, Footprint>;
    /** Workload objects counted, by kind. */
    workloads: Record<string, number>;
}

/** Sums the footprint of every workload among `objects`, DaemonSets × `nodeCount`. */
export function footprintOf(objects: readonly KubeObject[], nodeCount: number): FootprintReport {
    const report: FootprintReport = { steady: emptyFootprint(), transient: emptyFootprint(), byGroup: {}, workloads: {} };
    for (const o of objects) {
        const w = workloadPods(o, nodeCount);
        if (!w) {
            continue;
        }
        report.workloads[o.kind!] = (report.workloads[o.kind!] ?? 0) + 1;
        const f = podFootprint(w.podSpec, w.count);
        if (w.cls === "transient") {
            addFootprint(report.transient, f);
            continue;
        }
        addFootprint(report.steady, f);
        const g = footprintGroup(o);
        report.byGroup[g] = addFootprint(report.byGroup[g] ?? emptyFootprint(), f);
    }
    report.byGroup = Object.fromEntries(Object.entries(report.byGroup).sort(([a], [b]) => a.localeCompare(b)));
    return report;
}

/** Millicores as cores (`2.35`). */
export function fmtCores(m: number): string {
    return (m / 1000).toFixed(2).replace(/\.?0+$/, "") || "0";
}

/** Bytes as GiB (`3.25 GiB`) or MiB below 1 GiB. */
export function fmtMem(b: number): string {
    return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${Math.round(b / 2 ** 20)} MiB`;
}
