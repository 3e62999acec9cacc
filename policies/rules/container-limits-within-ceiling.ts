import { parseQuantity } from "../lib/quantity";
import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const CONTAINER_LIMITS_WITHIN_CEILING = "container-limits-within-ceiling";

/** Config of `container-limits-within-ceiling`. */
export interface ContainerLimitsCeilingConfig {
    /** Largest cpu limit of one container. @default "4" */
    maxCpu: string;
    /** Largest memory limit of one container. @default "8Gi" */
    maxMemory: string;
}

/** Default ceiling: a container that needs more than this is a node-sizing decision, not a manifest one. */
export const DEFAULT_CEILING: ContainerLimitsCeilingConfig = { maxCpu: "4", maxMemory: "8Gi" };

/** Keeps every container's limits under a per-environment ceiling, so no single container can claim a node. */
export function containerLimitsWithinCeiling(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule<ContainerLimitsCeilingConfig>({
        name: CONTAINER_LIMITS_WITHIN_CEILING,
        description: "Container cpu and memory limits stay within the environment's ceiling (maxCpu, maxMemory).",
        remediationSteps: "Lower resources.limits.cpu/memory to the ceiling, or split the workload; the ceiling is the policy config maxCpu/maxMemory.",
        exemptible: false,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        config: {
            defaults: DEFAULT_CEILING,
            schema: {
                properties: {
                    maxCpu: { type: "string", default: DEFAULT_CEILING.maxCpu, description: "Largest cpu limit of one container, e.g. \"4\" or \"1500m\"." },
                    maxMemory: { type: "string", default: DEFAULT_CEILING.maxMemory, description: "Largest memory limit of one container, e.g. \"8Gi\"." },
                },
            },
        },
        check: ({ type, props, subject, config, report }) => {
            const ceiling: Record<string, [string, number | undefined]> = {
                cpu: [config.maxCpu, parseQuantity(config.maxCpu)],
                memory: [config.maxMemory, parseQuantity(config.maxMemory)],
            };
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {})) {
                const limits = container.resources?.limits ?? {};
                for (const res of ["cpu", "memory"]) {
                    const [max, maxValue] = ceiling[res];
                    const value = parseQuantity(limits[res]);
                    if (maxValue === undefined) {
                        report(`policy config ${res === "cpu" ? "maxCpu" : "maxMemory"} "${max}" is not a quantity`);
                        return;
                    }
                    if (value !== undefined && value > maxValue) {
                        report(`${subject}: ${label} has a ${res} limit of ${String(limits[res])}, above the ceiling ${max}`);
                    }
                }
            }
        },
    }, opts);
}
