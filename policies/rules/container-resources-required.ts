import { parseQuantity } from "../lib/quantity";
import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const CONTAINER_RESOURCES_REQUIRED = "container-resources-required";

/**
 * Requests and limits are how a namespace quota and the node's cgroups account for a container:
 * without them one tenant can starve its neighbours.
 */
export function containerResourcesRequired(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: CONTAINER_RESOURCES_REQUIRED,
        description: "Every container and init container sets cpu and memory requests and limits, with requests not above limits.",
        remediationSteps: "Set resources.requests.{cpu,memory} and resources.limits.{cpu,memory} on every container and init container, with each request <= its limit.",
        exemptible: false,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {})) {
                const requests = container.resources?.requests ?? {};
                const limits = container.resources?.limits ?? {};
                for (const res of ["cpu", "memory"]) {
                    const req = requests[res];
                    const lim = limits[res];
                    if (req === undefined) {
                        report(`${subject}: ${label} has no ${res} request; set resources.requests.${res}`);
                    }
                    if (lim === undefined) {
                        report(`${subject}: ${label} has no ${res} limit; set resources.limits.${res}`);
                    }
                    if (req === undefined || lim === undefined) {
                        continue;
                    }
                    const r = parseQuantity(req);
                    const l = parseQuantity(lim);
                    if (r === undefined || l === undefined) {
                        report(`${subject}: ${label} has a ${res} request/limit that is not a quantity (${String(req)} / ${String(lim)})`);
                    } else if (r > l) {
                        report(`${subject}: ${label} requests more ${res} (${String(req)}) than its limit (${String(lim)}); lower resources.requests.${res}`);
                    }
                }
            }
        },
    }, opts);
}
