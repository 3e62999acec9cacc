/**
 * Where the time of a `pulumi up` went, per resource, from its engine event log
 * (`pulumi up --event-log <file>`): the engine stamps every event, so a resource's step lasts from
 * its `resourcePreEvent` to its `resOutputsEvent` (or to its failure). Used by the life-cycle test
 * to say which resources a slow run waited on.
 */
import * as fs from "fs";
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** One resource's step. */
export interface StepTiming {
    urn: string;
    op: string;
    /** Seconds from the step's start to its outputs (the engine stamps whole seconds). */
    seconds: number;
    /** False when the step never reported outputs (it failed, or the run was cut short). */
    finished: boolean;
}

/** Reads an event log: one JSON event per line. A line cut off by a killed run is skipped. */
export function readEventLog(file: string): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (line.trim() === "") {
            continue;
        }
        try {
            events.push(JSON.parse(line) as EngineEvent);
        } catch {
            // the last line of a log whose writer was killed
        }
    }
    return events;
}

/**
 * Each custom resource's step, longest first. A step with no outputs event is timed to the log's
 * last event and marked unfinished. Left out: steps that did nothing (`same`), and components and
 * the stack, whose steps only last as long as their children's.
 */
export function stepTimings(events: readonly EngineEvent[]): StepTiming[] {
    const started = new Map<string, { op: string; at: number }>();
    const done = new Map<string, number>();
    let last = 0;
    for (const e of events) {
        last = Math.max(last, e.timestamp);
        const pre = e.resourcePreEvent?.metadata;
        const custom = pre?.new?.custom ?? pre?.old?.custom;
        if (pre && custom === true && pre.op !== "same" && !started.has(pre.urn)) {
            started.set(pre.urn, { op: pre.op, at: e.timestamp });
        }
        const out = e.resOutputsEvent?.metadata;
        if (out) {
            done.set(out.urn, e.timestamp);
        }
    }
    const timings: StepTiming[] = [];
    for (const [urn, s] of started) {
        const end = done.get(urn);
        timings.push({ urn, op: s.op, seconds: (end ?? last) - s.at, finished: end !== undefined });
    }
    return timings.sort((a, b) => b.seconds - a.seconds || a.urn.localeCompare(b.urn));
}

/** `type name: N s (op)` for the `n` longest steps, e.g. for a test's diagnostic line. */
export function slowestSteps(timings: readonly StepTiming[], n: number): string {
    const shown = timings.slice(0, n).map((t) => {
        const parts = t.urn.split("::");
        const type = (parts[parts.length - 2] ?? "").split("$").pop();
        return `${type} ${parts[parts.length - 1]}: ${t.seconds} s (${t.op}${t.finished ? "" : ", unfinished"})`;
    });
    return shown.length > 0 ? shown.join("; ") : "no resource changed";
}
