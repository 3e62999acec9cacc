/**
 * The validators the stack config schema (stacks/config) and the app manifest schema
 * (components/app-engine/app-manifest.ts) share: DNS labels, Kubernetes quantities and cron schedules, each
 * written once so the two schemas accept exactly the same values.
 */
import * as z from "zod";
import { shortestRunGapSeconds } from "./cron";

/** A DNS-1123 label: what Kubernetes accepts as a namespace or object name segment (at most 63 characters). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS name of two labels or more, the last alphabetic: a host such as `shop.example.com`. */
export const DNS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/;
/** A CPU quantity as the platform writes it: cores (`2`, `0.5`) or millicores (`250m`). */
export const CPU_QUANTITY = /^\d+(\.\d+)?m?$/;
/** A memory or storage quantity as the platform writes it: bytes with an optional binary or decimal suffix. */
export const BYTE_QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;

/** A DNS-1123 label. */
export const dnsLabel = z.string().regex(DNS_LABEL, "must be a DNS label: lower-case letters, digits and '-'");
/** A host name, e.g. `shop.example.com`. */
export const dnsName = z.string().regex(DNS_NAME, "must be a DNS name such as shop.example.com");
/** Kubernetes CPU quantity, e.g. `250m` or `2`. */
export const cpuQuantity = z.string().regex(CPU_QUANTITY, "must be a CPU quantity such as 250m or 2");
/** Kubernetes memory/storage quantity, e.g. `512Mi` or `10Gi`. */
export const byteQuantity = z.string().regex(BYTE_QUANTITY, "must be a quantity such as 512Mi or 2Gi");
/** A CronJob schedule (five fields or a macro such as `@daily`) whose minute and hour fields the platform can time (`cronSchedule`). */
export const cronScheduleString = z.string().superRefine((s, ctx) => {
    try {
        shortestRunGapSeconds(s);
    } catch (e) {
        ctx.addIssue({ code: "custom", message: `must be a cron schedule such as "0 3 * * *": ${(e as Error).message}` });
    }
});
/** `{ cpu, memory }`. */
export const cpuMemory = z.strictObject({ cpu: cpuQuantity, memory: byteQuantity });
/** Container requests and limits. */
export const resourceRequirements = z.strictObject({ requests: cpuMemory, limits: cpuMemory });

/** The value at `path` inside `root` (a zod issue's path), or undefined where the path leads nowhere. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const k of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<PropertyKey, unknown>)[k];
    }
    return cur;
}

/** A value as an error message quotes it: JSON, cut at 60 characters; `nothing` for undefined. */
export function describeValue(v: unknown): string {
    if (v === undefined) {
        return "nothing";
    }
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
