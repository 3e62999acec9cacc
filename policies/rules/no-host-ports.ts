import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_HOST_PORTS = "no-host-ports";

/** A hostPort opens the node to the outside past the App Router and limits scheduling to one pod per node. */
export function noHostPorts(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_HOST_PORTS,
        description: "Containers declare no hostPort.",
        remediationSteps: "Remove ports[].hostPort and reach the container through a Service (and the App Router for external traffic).",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {})) {
                for (const port of container.ports ?? []) {
                    if (typeof port.hostPort === "number" && port.hostPort !== 0) {
                        report(`${subject}: ${label} binds hostPort ${port.hostPort}`);
                    }
                }
            }
        },
    }, opts);
}
