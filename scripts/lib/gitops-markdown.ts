/** Markdown of the GitOps reports (preview, apply, drift) for CI job summaries and merge-request notes. */
import { OP_ORDER, isStatefulType, parseUrn } from "./gitops-report";
import type { ChangeOp, PolicyViolation, ChangeReport, DriftReport, Blocker } from "./gitops-report";

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
    return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** What a rendered report is about. */
export interface ReportHeader {
    /** `preview`, `apply` or `drift`. */
    command: "preview" | "apply" | "drift";
    env: string;
    stack: string;
    /** Extra lines under the title (e.g. "policies: not run"). */
    notes?: string[];
}

/**
 * An HTML comment that marks a report for one command and environment: CI finds its earlier
 * comment on a pull request by it and edits that comment instead of adding another.
 */
export function reportMarker(command: string, env: string): string {
    return `<!-- containercloud-gitops:${command}:${env} -->`;
}

/** Options of the Markdown renderers. */
export interface RenderOptions {
    /** Rows listed per component before "and N more". @default 50 */
    maxRowsPerComponent?: number;
}

function header(h: ReportHeader, status: string): string[] {
    const lines = [reportMarker(h.command, h.env), `### containercloud ${h.command}: \`${h.env}\` (stack \`${h.stack}\`) — ${status}`, ""];
    for (const n of h.notes ?? []) {
        lines.push(`> ${n}`);
    }
    if ((h.notes ?? []).length > 0) {
        lines.push("");
    }
    return lines;
}

/** `create 3 · update 1 · same 120`, in OP_ORDER, zero counts left out. */
export function countsLine(counts: Partial<Record<ChangeOp, number>>): string {
    const parts = OP_ORDER.filter((op) => (counts[op] ?? 0) > 0).map((op) => `${op} ${counts[op]}`);
    return parts.length > 0 ? parts.join(" · ") : "no resources";
}

/** Groups items by component, components sorted, `(stack)` last. */
export function byComponent<T extends { component: string }>(items: readonly T[]): [string, T[]][] {
    const groups = new Map<string, T[]>();
    for (const i of items) {
        groups.set(i.component, [...(groups.get(i.component) ?? []), i]);
    }
    return [...groups.entries()].sort(([a], [b]) => (a === "(stack)" ? 1 : b === "(stack)" ? -1 : a.localeCompare(b)));
}

function changesTable(report: ChangeReport, opts: RenderOptions): string[] {
    const max = opts.maxRowsPerComponent ?? 50;
    const changed = report.resources.filter((r) => r.op !== "same" && r.op !== "read");
    if (changed.length === 0) {
        return ["No changes.", ""];
    }
    const lines: string[] = [];
    for (const [component, rows] of byComponent(changed)) {
        const sorted = [...rows].sort((a, b) => OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
        lines.push(`<details><summary><code>${component}</code>: ${countsLine(countOps(rows))}</summary>`, "");
        lines.push("| op | type | name | changed properties |", "|---|---|---|---|");
        for (const r of sorted.slice(0, max)) {
            const flag = (r.op === "replace" || r.op === "delete") && isStatefulType(r.type) ? " ⚠️ stateful" : "";
            lines.push(`| ${r.op}${flag} | \`${cell(r.type)}\` | ${cell(r.name)} | ${cell(r.diffs.join(", "))} |`);
        }
        if (sorted.length > max) {
            lines.push(`| … | | and ${sorted.length - max} more | |`);
        }
        lines.push("", "</details>", "");
    }
    return lines;
}

function countOps(rows: readonly { op: ChangeOp }[]): Partial<Record<ChangeOp, number>> {
    const c: Partial<Record<ChangeOp, number>> = {};
    for (const r of rows) {
        c[r.op] = (c[r.op] ?? 0) + 1;
    }
    return c;
}

function policyTable(policies: readonly PolicyViolation[]): string[] {
    if (policies.length === 0) {
        return ["No policy violations.", ""];
    }
    const sorted = [...policies].sort((a, b) => (a.level === b.level ? a.policy.localeCompare(b.policy) : a.level === "mandatory" ? -1 : 1));
    const lines = ["| level | policy | resource | message |", "|---|---|---|---|"];
    for (const p of sorted) {
        const res = p.urn ? `${parseUrn(p.urn).name} (\`${parseUrn(p.urn).type}\`)` : "(stack)";
        lines.push(`| ${p.level === "mandatory" ? "❌ mandatory" : "⚠️ advisory"} | ${cell(p.policy)} | ${cell(res)} | ${cell(p.message)} |`);
    }
    return [...lines, ""];
}

/** Renders a ResourceAudit-shaped output (platform footprint + teams vs quota) or, failing that, JSON. */
export function auditSection(audit: unknown, source?: string): string[] {
    if (audit === undefined || audit === null) {
        return [];
    }
    const lines = [`#### Resource audit${source ? ` (${source})` : ""}`, ""];
    const a = audit as {
        platform?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string }; storage?: string };
        teams?: Record<string, { requests?: { cpu?: string; memory?: string }; quota?: { requestsCpu?: string; requestsMemory?: string }; used?: { cpu?: number; memory?: number }; fits?: boolean }>;
    };
    if (typeof audit === "object" && a.platform && a.teams) {
        const p = a.platform;
        lines.push(`Platform footprint: requests ${p.requests?.cpu ?? "?"} CPU / ${p.requests?.memory ?? "?"}, limits ${p.limits?.cpu ?? "?"} CPU / ${p.limits?.memory ?? "?"}, storage ${p.storage ?? "0"}.`, "");
        lines.push("| team | requests (CPU / memory) | quota (CPU / memory) | used | fits |", "|---|---|---|---|---|");
        for (const [team, t] of Object.entries(a.teams).sort(([x], [y]) => x.localeCompare(y))) {
            const used = t.used ? `${t.used.cpu ?? "?"}% / ${t.used.memory ?? "?"}%` : "";
            const quota = t.quota ? `${t.quota.requestsCpu ?? "?"} / ${t.quota.requestsMemory ?? "?"}` : "none";
            lines.push(`| ${cell(team)} | ${t.requests?.cpu ?? "?"} / ${t.requests?.memory ?? "?"} | ${quota} | ${used} | ${t.fits === false ? "❌ no" : "yes"} |`);
        }
        return [...lines, ""];
    }
    return [...lines, "```json", JSON.stringify(audit, null, 2), "```", ""];
}

/** Everything a preview summary shows. */
export interface PreviewSummary {
    header: ReportHeader;
    report: ChangeReport;
    blockers: Blocker[];
    /** The stack's `audit`/`resourceAudit` output, if any. */
    audit?: unknown;
    /** Where the audit comes from, e.g. "as of the last update". */
    auditSource?: string;
}

/** Markdown for a preview (and the preview half of an apply). */
export function renderPreviewMarkdown(s: PreviewSummary, opts: RenderOptions = {}): string {
    const status = s.report.errors.length > 0 && s.blockers.length === 0 ? "❌ failed" : s.blockers.length > 0 ? "⛔ blocked" : "✅ ok";
    const lines = header(s.header, status);
    lines.push(`**Changes:** ${countsLine(s.report.counts)}`, "");
    if (s.blockers.length > 0) {
        lines.push("#### Blocked", "");
        for (const b of s.blockers) {
            lines.push(`- ${b.message}`);
        }
        lines.push("");
    }
    if (s.report.errors.length > 0) {
        lines.push("#### Errors", "", "```", ...s.report.errors.map((e) => e.slice(0, 2000)), "```", "");
    }
    lines.push("#### Changes by component", "", ...changesTable(s.report, opts));
    lines.push("#### Policy violations", "", ...policyTable(s.report.policies));
    lines.push(...auditSection(s.audit, s.auditSource));
    return lines.join("\n").replace(/\n+$/, "\n");
}

/** What an apply adds to its preview. */
export interface ApplySummary extends PreviewSummary {
    /** Set when the update ran. */
    update?: { result: string; durationSeconds?: number; report: ChangeReport };
}

/** Markdown for an apply: the update's result, then its preview. */
export function renderApplyMarkdown(s: ApplySummary, opts: RenderOptions = {}): string {
    const status = s.blockers.length > 0 ? "⛔ blocked, not applied" : s.update?.result === "succeeded" ? "✅ applied" : `❌ ${s.update?.result ?? "not run"}`;
    const lines = header(s.header, status);
    if (s.update) {
        const secs = s.update.durationSeconds !== undefined ? ` in ${s.update.durationSeconds}s` : "";
        lines.push(`**Update:** ${s.update.result}${secs}; ${countsLine(s.update.report.counts)}`, "");
        if (s.update.report.errors.length > 0) {
            lines.push("#### Errors", "", "```", ...s.update.report.errors.map((e) => e.slice(0, 2000)), "```", "");
        }
    }
    const preview = renderPreviewMarkdown({ ...s, header: { ...s.header, notes: [] } }, opts).split("\n");
    // The preview's own marker and title are replaced by this report's.
    lines.push("#### Preview before the update", "", ...preview.slice(2));
    return lines.join("\n").replace(/\n+$/, "\n");
}

/** Markdown for a drift check. */
export function renderDriftMarkdown(h: ReportHeader, d: DriftReport, opts: RenderOptions = {}): string {
    const status = d.errors.length > 0 ? "❌ failed" : d.drifted.length > 0 ? `⚠️ drift in ${d.drifted.length} resource${d.drifted.length === 1 ? "" : "s"}` : "✅ no drift";
    const lines = header(h, status);
    lines.push(`Checked ${d.checked} resource${d.checked === 1 ? "" : "s"} against the cluster (a refresh preview: the stack's state was not changed).`, "");
    if (d.errors.length > 0) {
        lines.push("#### Errors", "", "```", ...d.errors.map((e) => e.slice(0, 2000)), "```", "");
    }
    if (d.drifted.length > 0) {
        const max = opts.maxRowsPerComponent ?? 50;
        lines.push("| drift | type | name | id | component | changed properties | URN |", "|---|---|---|---|---|---|---|");
        const rows = [...d.drifted].sort((a, b) => a.component.localeCompare(b.component) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
        for (const r of rows.slice(0, max * 10)) {
            lines.push(`| ${r.op === "delete" ? "gone" : "changed"} | \`${cell(r.type)}\` | ${cell(r.name)} | ${cell(r.id ?? "")} | ${cell(r.component)} | ${cell(r.diffs.join(", "))} | \`${cell(r.urn)}\` |`);
        }
        if (rows.length > max * 10) {
            lines.push(`| … | | and ${rows.length - max * 10} more | | | | |`);
        }
        lines.push("", `Reconcile: \`npm run gitops -- apply --env ${h.env}\` puts the declared state back (it refreshes first, so gone objects are recreated and changed ones reset). To keep a manual change instead, declare it in the stack config and open a pull request.`, "");
    }
    return lines.join("\n").replace(/\n+$/, "\n");
}
