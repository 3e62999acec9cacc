/** The benchmark results document (latest.json) and its Markdown rendering (latest.md). */
import { Stat, TargetResult, fmtBytes, fmtRatio, fmtSeconds, fmtStat } from "./bench-stats";
import { FootprintReport, fmtCores, fmtMem } from "./bench-footprint";

/** Machine and versions the figures were taken on. */
export interface MachineInfo {
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    loadAverage: number[];
    os: string;
    node: string;
    pulumiCli: string;
    packages: Record<string, string>;
    gitCommit: string;
    gitDirty: boolean;
}

/** Program vs floor at one size. */
export interface EvalComparison {
    /** Generated apps/tenants added (0 = the environment as configured). */
    size: number;
    /** How the size was applied. */
    scaledBy: string;
    /** Registrations (the same in both). */
    resources: number;
    /** App components registered. */
    apps: number;
    program: { totalMs: Stat; rssBytes: Stat; bootMs: Stat; mocksMs: Stat; loadMs: Stat; buildMs: Stat; settleMs: Stat };
    floor: { totalMs: Stat; rssBytes: Stat; bootMs: Stat; mocksMs: Stat; loadMs: Stat; buildMs: Stat; settleMs: Stat };
    /** program / floor, of the medians. */
    timeRatio: number | undefined;
    memoryRatio: number | undefined;
    /** Program above floor in the phases that differ (load + build + settle), ms, of the medians. */
    extraMs: number;
}

/** One measured CLI command. */
export interface CliFigure {
    command: string;
    wallMs: Stat;
    /** Largest process's peak RSS (GNU time). */
    maxRssLargestBytes?: Stat;
    /** Peak summed RSS of the process tree. */
    peakTreeRssBytes: Stat;
}

/** The whole document. */
export interface BenchResults {
    generatedAt: string;
    command: string;
    runs: number;
    quick: boolean;
    env: string;
    machine: MachineInfo;
    overhead?: EvalComparison;
    scale: { axis: "apps" | "tenants"; note: string; sizes: EvalComparison[]; growth?: { small: number; large: number; timeRatio: number | undefined; memoryRatio: number | undefined }; failed: Record<number, string> };
    cli?: { env: string; figures: CliFigure[]; upMs?: number; resources?: number; note?: string };
    footprint?: { nodeCounts: Record<string, number>; envs: Record<string, FootprintReport & { manifests: number }>; note?: string };
    targets: TargetResult[];
    notes: string[];
}

const ms = (n: number) => fmtSeconds(n);
const mem = (n: number) => fmtBytes(n);

function passCell(p: boolean | undefined): string {
    return p === undefined ? "not measured" : p ? "PASS" : "FAIL";
}

/** Renders the results as Markdown. */
export function renderMarkdown(r: BenchResults): string {
    const L: string[] = [];
    L.push("# Benchmark results", "");
    L.push(`Generated ${r.generatedAt} by \`${r.command}\`: every figure is the median of ${r.runs} runs, with (min–max).${r.quick ? " **Quick run**: indicative only." : ""}`, "");
    L.push("## Machine", "");
    const m = r.machine;
    L.push("| | |", "|---|---|");
    L.push(`| CPUs | ${m.cpus} × ${m.cpuModel} (shared with other work: load average ${m.loadAverage.map((x) => x.toFixed(2)).join(", ")} at start) |`);
    L.push(`| memory | ${fmtMem(m.memoryBytes)} |`);
    L.push(`| OS | ${m.os} |`);
    L.push(`| Node.js | ${m.node} |`);
    L.push(`| Pulumi CLI | ${m.pulumiCli} |`);
    L.push(`| packages | ${Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(", ")} |`);
    L.push(`| commit | ${m.gitCommit}${m.gitDirty ? " (working tree has uncommitted changes by other engineers)" : ""} |`, "");

    L.push("## Targets", "");
    L.push("| target | limit | measured | result |", "|---|---|---|---|");
    for (const t of r.targets) {
        L.push(`| ${t.name} | ${t.limit} | ${t.value} | ${passCell(t.pass)} |`);
    }
    L.push("");

    const phaseRows = (c: EvalComparison) => {
        const rows: string[] = ["| | program | floor |", "|---|---|---|"];
        rows.push(`| **start → settled** | **${fmtStat(c.program.totalMs, ms)}** | **${fmtStat(c.floor.totalMs, ms)}** |`);
        rows.push(`| **peak RSS** | **${fmtStat(c.program.rssBytes, mem)}** | **${fmtStat(c.floor.rssBytes, mem)}** |`);
        rows.push(`| node + TypeScript hook boot | ${fmtStat(c.program.bootMs, ms)} | ${fmtStat(c.floor.bootMs, ms)} |`);
        rows.push(`| @pulumi/pulumi + mocks | ${fmtStat(c.program.mocksMs, ms)} | ${fmtStat(c.floor.mocksMs, ms)} |`);
        rows.push(`| load program modules / fixture (floor: not counted) | ${fmtStat(c.program.loadMs, ms)} | ${fmtStat(c.floor.loadMs, ms)} |`);
        rows.push(`| parse config + construct / replay loop | ${fmtStat(c.program.buildMs, ms)} | ${fmtStat(c.floor.buildMs, ms)} |`);
        rows.push(`| until every registration is answered | ${fmtStat(c.program.settleMs, ms)} | ${fmtStat(c.floor.settleMs, ms)} |`);
        return rows;
    };

    if (r.overhead) {
        const c = r.overhead;
        L.push(`## 1. Evaluation overhead vs floor (${r.env}, under mocks)`, "");
        L.push(`${c.resources} registrations. Time ratio **${fmtRatio(c.timeRatio)}**, memory ratio **${fmtRatio(c.memoryRatio)}**; the program spends ${ms(c.extraMs)} more than the floor in the phases that differ.`, "");
        L.push(...phaseRows(c), "");
    }

    L.push(`## 2. Scale (${r.env} + generated ${r.scale.axis}, under mocks)`, "");
    if (r.scale.note) {
        L.push(r.scale.note, "");
    }
    L.push(`| ${r.scale.axis} | resources | program time | floor time | time ratio | program peak RSS | floor peak RSS | memory ratio |`, "|---|---|---|---|---|---|---|---|");
    for (const c of r.scale.sizes) {
        L.push(`| ${c.size} | ${c.resources} | ${fmtStat(c.program.totalMs, ms)} | ${fmtStat(c.floor.totalMs, ms)} | ${fmtRatio(c.timeRatio)} | ${fmtStat(c.program.rssBytes, mem)} | ${fmtStat(c.floor.rssBytes, mem)} | ${fmtRatio(c.memoryRatio)} |`);
    }
    for (const [size, why] of Object.entries(r.scale.failed)) {
        L.push(`| ${size} | failed: ${why} | | | | | | |`);
    }
    L.push("");
    if (r.scale.growth) {
        const g = r.scale.growth;
        L.push(`Growth time(${g.large})/time(${g.small}) of the program: **${fmtRatio(g.timeRatio)}** (memory ${fmtRatio(g.memoryRatio)}); ${g.large / g.small}x the ${r.scale.axis}. The fixed start-up cost (node, the TypeScript hook, @pulumi/pulumi) is in both figures.`, "");
    }
    const largest = r.scale.sizes[r.scale.sizes.length - 1];
    if (largest) {
        L.push(`Phases at ${largest.size} ${r.scale.axis}:`, "", ...phaseRows(largest), "");
    }

    L.push("## 3. Real Pulumi CLI", "");
    if (r.cli) {
        L.push(`Throwaway stack of \`${r.cli.env}\` with a render-only cluster target, temporary file backend, passphrase secrets.${r.cli.resources !== undefined ? ` ${r.cli.resources} resources in the stack after \`up\`.` : ""}${r.cli.upMs !== undefined ? ` The one \`up\` took ${ms(r.cli.upMs)}.` : ""}`, "");
        if (r.cli.note) {
            L.push(r.cli.note, "");
        }
        L.push("| command | wall time | peak RSS, largest process (GNU time) | peak RSS, whole process tree (/proc, 100 ms samples) |", "|---|---|---|---|");
        for (const f of r.cli.figures) {
            L.push(`| \`${f.command}\` | ${fmtStat(f.wallMs, ms)} | ${fmtStat(f.maxRssLargestBytes, mem)} | ${fmtStat(f.peakTreeRssBytes, mem)} |`);
        }
        L.push("");
    } else {
        L.push("Not measured in this run.", "");
    }

    L.push("## 4. Footprint of the platform itself", "");
    if (r.footprint) {
        const f = r.footprint;
        L.push("From the rendered manifests of each environment (`renderEnvironment`). Every container and init container counts (an upper bound: Kubernetes charges a pod the larger of its biggest init container and its containers' sum); Deployments/StatefulSets × replicas; DaemonSets × the assumed node count; Jobs/CronJobs are transient and listed apart.", "");
        if (f.note) {
            L.push(f.note, "");
        }
        L.push("| env | nodes assumed | manifests | pods | requests CPU | requests memory | limits CPU | limits memory | transient (Jobs/CronJobs) requests | containers missing requests/limits |", "|---|---|---|---|---|---|---|---|---|---|");
        for (const [env, e] of Object.entries(f.envs)) {
            L.push(`| ${env} | ${f.nodeCounts[env]} | ${e.manifests} | ${e.steady.pods} | ${fmtCores(e.steady.requests.cpuMillis)} | ${fmtMem(e.steady.requests.memoryBytes)} | ${fmtCores(e.steady.limits.cpuMillis)} | ${fmtMem(e.steady.limits.memoryBytes)} | ${fmtCores(e.transient.requests.cpuMillis)} CPU, ${fmtMem(e.transient.requests.memoryBytes)} | ${e.steady.unbounded} |`);
        }
        L.push("");
        const prod = f.envs[r.env];
        if (prod) {
            L.push(`Per component in ${r.env} (grouped as \`<part-of>/<component>\` from the \`app.kubernetes.io/*\` labels, else by namespace):`, "");
            L.push("| component | pods | requests CPU | requests memory | limits CPU | limits memory |", "|---|---|---|---|---|---|");
            for (const [g, x] of Object.entries(prod.byGroup)) {
                L.push(`| ${g} | ${x.pods} | ${fmtCores(x.requests.cpuMillis)} | ${fmtMem(x.requests.memoryBytes)} | ${fmtCores(x.limits.cpuMillis)} | ${fmtMem(x.limits.memoryBytes)} |`);
            }
            if (Object.keys(prod.byGroup).length === 0) {
                L.push("| (no workloads rendered yet) | 0 | 0 | 0 | 0 | 0 |");
            }
            L.push("");
        }
    } else {
        L.push("Not measured in this run.", "");
    }

    if (r.notes.length > 0) {
        L.push("## Notes", "");
        for (const n of r.notes) {
            L.push(`- ${n}`);
        }
        L.push("");
    }
    return L.join("\n");
}
