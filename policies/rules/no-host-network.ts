import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_HOST_NETWORK = "no-host-network";

/** A pod on the host network bypasses NetworkPolicy and can bind any node port. */
export function noHostNetwork(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_HOST_NETWORK,
        description: "Pods do not share the node's network namespace (hostNetwork).",
        remediationSteps: "Remove spec.hostNetwork and expose the workload through a Service; node networking agents (e.g. Flannel) carry an exemption with a reason.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            if (podSpecOf(type, props)?.hostNetwork === true) {
                report(`${subject}: pod sets hostNetwork: true`);
            }
        },
    }, opts);
}
