/**
 * Pure pieces of `npm run gitops`: turning Pulumi engine events into a report (what changes, per
 * component; what the policies say; what drifted), deciding whether a change may go ahead, and
 * rendering the reports as Markdown for pull-request comments. Nothing here runs Pulumi or touches
 * the file system, so all of it is unit-tested with synthetic events.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** The operations a report distinguishes; the engine's replacement steps fold into `replace`. */
export type ChangeOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "other";

/** Order in which operations are listed. */
export const OP_ORDER: ChangeOp[] = ["create", "update", "replace", "delete", "same", "read", "other"];

/** One resource the engine stepped over. */
export interface ResourceChange {
    urn: string;
    /** Resource name (the last URN segment). */
    name: string;
    /** Resource type token, e.g. `kubernetes:apps/v1:StatefulSet`. */
    type: string;
    op: ChangeOp;
    /** The nearest `containercloud:*` ancestor, e.g. `containercloud:etcd:EtcdCluster etcd`, or `(stack)`. */
    component: string;
    /** Top-level properties that differ, when the engine says. */
    diffs: string[];
}

/** A policy violation reported by the policy pack. */
export interface PolicyViolation {
    policy: string;
    pack: string;
    level: "mandatory" | "advisory";
    message: string;
    /** The resource it concerns (absent for stack-level policies). */
    urn?: string;
}

/** What a preview or an update did or would do. */
export interface ChangeReport {
    /** Resources by URN, in the order the engine first reported them. */
    resources: ResourceChange[];
    /** Count per operation. */
    counts: Partial<Record<ChangeOp, number>>;
    policies: PolicyViolation[];
    /** Error diagnostics (plain text), e.g. why a preview failed. */
    errors: string[];
}

/** A resource whose live state differs from the stack's state. */
export interface DriftItem {
    urn: string;
    name: string;
    type: string;
    /** `update`: changed outside Pulumi; `delete`: gone from the cluster. */
    op: "update" | "delete";
    component: string;
    diffs: string[];
    /** The provider's id, e.g. `shop/tenant-quota` for a namespaced Kubernetes object. */
    id?: string;
}

/** Result of a refresh preview. */
export interface DriftReport {
    drifted: DriftItem[];
    /** Resources the refresh looked at. */
    checked: number;
    errors: string[];
}

/** Why a change may not go ahead. */
export interface Blocker {
    kind: "policy" | "stateful";
    urn?: string;
    message: string;
}

/** Exit codes of `npm run gitops`, documented in docs/gitops.md. */
export const EXIT = {
    ok: 0,
    /** Pulumi or the tool failed (bad program, no passphrase, cluster unreachable...). */
    failed: 1,
    /** Wrong command line. */
    usage: 2,
    /** A mandatory policy was violated. */
    policy: 3,
    /** A stateful resource would be replaced or deleted and that was not allowed. */
    stateful: 4,
    /** Drift: live state differs from the stack's state. */
    drift: 5,
} as const;

// Kinds whose replacement or deletion loses data or takes a whole tenant with it. Matched by kind,
// whatever the API version, so a future `v2` of a Ceph CRD is still guarded.
const STATEFUL_TYPE = new RegExp(
    "^kubernetes:(" +
        [
            "apps/v\\w+:StatefulSet",
            "core/v1:PersistentVolumeClaim",
            "core/v1:PersistentVolume",
            "core/v1:Namespace",
            "ceph\\.rook\\.io/v\\w+:(CephCluster|CephBlockPool|CephFilesystem|CephObjectStore)",
        ].join("|") +
        ")$",
);

/** True for resource types whose replacement or deletion destroys data (StatefulSets, volumes, namespaces, Ceph). */
export function isStatefulType(type: string): boolean {
    return STATEFUL_TYPE.test(type);
}

/** Maps an engine step op to a report op: replacement steps are one `replace`. */
export function normalizeOp(op: string): ChangeOp {
    switch (op) {
        case "create":
        case "update":
        case "delete":
        case "same":
        case "read":
            return op;
        case "replace":
        case "create-replacement":
        case "delete-replaced":
        case "read-replacement":
            return "replace";
        case "import":
            return "create";
        case "import-replacement":
            return "replace";
        default:
            return "other";
    }
}

/** A parsed URN: `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>`. */
export interface ParsedUrn {
    stack: string;
    project: string;
    /** Type chain from the root down to the resource's own type. */
    typeChain: string[];
    type: string;
    name: string;
}

/** Splits a URN into its parts (names may themselves contain `::`). */
export function parseUrn(urn: string): ParsedUrn {
    const parts = urn.split("::");
    const chain = (parts[2] ?? "").split("$").filter((t) => t !== "");
    return {
        stack: (parts[0] ?? "").replace(/^urn:pulumi:/, ""),
        project: parts[1] ?? "",
        typeChain: chain,
        type: chain[chain.length - 1] ?? "",
        name: parts.slice(3).join("::"),
    };
}

/** True for the resources a report leaves out: the stack itself and provider instances. */
export function isInternal(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

const isComponentType = (t: string): boolean => t.startsWith("containercloud:");

/**
 * The component a resource belongs to: the nearest `containercloud:*` ancestor. With a parent map
 * (URN -> parent URN, from the events) it names the instance (`containercloud:etcd:EtcdCluster etcd`);
 * otherwise the URN's type chain gives the type only. `(stack)` when no component owns it.
 */
export function componentOf(urn: string, parents: ReadonlyMap<string, string> = new Map()): string {
    let cur = parents.get(urn);
    const seen = new Set<string>();
    while (cur && !seen.has(cur)) {
        seen.add(cur);
        const p = parseUrn(cur);
        if (isComponentType(p.type)) {
            return `${p.type} ${p.name}`;
        }
        cur = parents.get(cur);
    }
    const chain = parseUrn(urn).typeChain.slice(0, -1);
    for (let i = chain.length - 1; i >= 0; i--) {
        if (isComponentType(chain[i])) {
            return chain[i];
        }
    }
    return "(stack)";
}

/** Removes Pulumi's colour tags (`<{%reset%}>`) and ANSI escapes from a message. */
export function plainText(message: string): string {
    // eslint-disable-next-line no-control-regex
    return message.replace(/<\{%[^%]*%\}>/g, "").replace(/\u001b\[[0-9;]*m/g, "").trim();
}

/** Collects engine events; `report()` turns what it saw into a ChangeReport or DriftReport. */
export class EventCollector {
    readonly events: EngineEvent[] = [];
    /** Bound, so it can be passed as `onEvent` directly. */
    readonly onEvent = (e: EngineEvent): void => {
        this.events.push(e);
    };

    /** What the operation would do / did. */
    changes(): ChangeReport {
        return changeReport(this.events);
    }

    /** What a refresh preview found. */
    drift(): DriftReport {
        return driftReport(this.events);
    }
}

function parentMap(events: readonly EngineEvent[]): Map<string, string> {
    const parents = new Map<string, string>();
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
        const parent = m?.new?.parent || m?.old?.parent;
        if (m && parent) {
            parents.set(m.urn, parent);
        }
    }
    return parents;
}

function errorsOf(events: readonly EngineEvent[]): string[] {
    const out: string[] = [];
    for (const e of events) {
        const d = e.diagnosticEvent;
        if (d && d.severity === "error") {
            const text = plainText(d.message);
            if (text && !out.includes(text)) {
                out.push(text);
            }
        }
    }
    return out;
}

// An op already recorded for a URN is only overridden by a stronger one: a replacement's
// create-replacement/replace/delete-replaced steps, or a read seen before the real step.
const OP_STRENGTH: Record<ChangeOp, number> = { other: 0, read: 1, same: 2, update: 3, create: 4, delete: 5, replace: 6 };

/** Reduces the events of a preview or update to a ChangeReport. */
export function changeReport(events: readonly EngineEvent[]): ChangeReport {
    const parents = parentMap(events);
    const byUrn = new Map<string, ResourceChange>();
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        if (!m || isInternal(m.type)) {
            continue;
        }
        const op = normalizeOp(m.op);
        const prev = byUrn.get(m.urn);
        const diffs = [...new Set([...(prev?.diffs ?? []), ...(m.diffs ?? []), ...Object.keys(m.detailedDiff ?? {}).map((k) => k.split(/[.[]/)[0])])].sort();
        if (!prev || OP_STRENGTH[op] > OP_STRENGTH[prev.op]) {
            byUrn.set(m.urn, { urn: m.urn, name: parseUrn(m.urn).name, type: m.type, op, component: componentOf(m.urn, parents), diffs });
        } else {
            prev.diffs = diffs;
        }
    }
    const resources = [...byUrn.values()];
    const counts: Partial<Record<ChangeOp, number>> = {};
    for (const r of resources) {
        counts[r.op] = (counts[r.op] ?? 0) + 1;
    }
    const policies: PolicyViolation[] = [];
    const seen = new Set<string>();
    for (const e of events) {
        const p = e.policyEvent;
        if (!p) {
            continue;
        }
        const v: PolicyViolation = {
            policy: p.policyName,
            pack: p.policyPackName,
            level: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            message: plainText(p.message),
            ...(p.resourceUrn ? { urn: p.resourceUrn } : {}),
        };
        // Preview and update both report a violation; a report lists it once.
        const key = `${v.policy}|${v.urn ?? ""}|${v.message}`;
        if (!seen.has(key)) {
            seen.add(key);
            policies.push(v);
        }
    }
    return { resources, counts, policies, errors: errorsOf(events) };
}

/** Reduces the events of a refresh preview to a DriftReport: resources changed or gone outside Pulumi. */
export function driftReport(events: readonly EngineEvent[]): DriftReport {
    const parents = parentMap(events);
    const checked = new Set<string>();
    const drifted = new Map<string, DriftItem>();
    for (const e of events) {
        const m = e.resOutputsEvent?.metadata;
        if (!m || isInternal(m.type)) {
            continue;
        }
        checked.add(m.urn);
        // A refresh reports its result op on the outputs event: same, update (changed) or delete (gone).
        if (m.op === "update" || m.op === "delete") {
            const diffs = [...new Set([...(m.diffs ?? []), ...Object.keys(m.detailedDiff ?? {}).map((k) => k.split(/[.[]/)[0])])].sort();
            const id = m.old?.id || m.new?.id;
            drifted.set(m.urn, { urn: m.urn, name: parseUrn(m.urn).name, type: m.type, op: m.op, component: componentOf(m.urn, parents), diffs, ...(id ? { id } : {}) });
        }
    }
    return { drifted: [...drifted.values()], checked: checked.size, errors: errorsOf(events) };
}

/** Options of `blockers`. */
export interface GateOptions {
    /** Let replacements and deletions of stateful resources through. @default false */
    allowReplace?: boolean;
}

/** Why the change may not go ahead: mandatory policy violations, and stateful replaces/deletes unless allowed. */
export function blockers(report: ChangeReport, opts: GateOptions = {}): Blocker[] {
    const out: Blocker[] = [];
    for (const p of report.policies.filter((v) => v.level === "mandatory")) {
        out.push({ kind: "policy", ...(p.urn ? { urn: p.urn } : {}), message: `mandatory policy ${p.policy} violated${p.urn ? ` by ${parseUrn(p.urn).name}` : ""}: ${policyDetail(p.message)}` });
    }
    if (!opts.allowReplace) {
        for (const r of report.resources) {
            if ((r.op === "replace" || r.op === "delete") && isStatefulType(r.type)) {
                out.push({
                    kind: "stateful",
                    urn: r.urn,
                    message: `${r.op} of stateful ${r.type} ${r.name} (${r.component}): rerun with --allow-replace (or GITOPS_ALLOW_STATEFUL_REPLACE=true) if the data may go`,
                });
            }
        }
    }
    return out;
}

/** The exit code for a set of blockers: policy violations first, then stateful changes. */
export function exitCodeFor(found: readonly Blocker[]): number {
    if (found.some((b) => b.kind === "policy")) {
        return EXIT.policy;
    }
    return found.length > 0 ? EXIT.stateful : EXIT.ok;
}

/** Joins a multi-line message into one line (policy messages are "description\ndetail"). */
export function oneLine(text: string): string {
    return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").join(" — ");
}

/**
 * The specific part of a policy message: the policy host sends "description\ndetail"; the detail
 * names the container or field, the description is the same for every violation of the rule.
 */
export function policyDetail(message: string): string {
    const lines = message.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
    return oneLine(lines.length > 1 ? lines.slice(1).join("\n") : message);
}
