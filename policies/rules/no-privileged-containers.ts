import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_PRIVILEGED_CONTAINERS = "no-privileged-containers";

/** A privileged container is root on the node: every namespace and cgroup boundary is gone. */
export function noPrivilegedContainers(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_PRIVILEGED_CONTAINERS,
        description: "No container runs privileged (Pod Security Standards: baseline).",
        remediationSteps: "Remove securityContext.privileged (or set it to false) and grant only the capabilities the process needs; node agents (CNI, storage daemons) that truly need it carry an exemption with a reason.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withEphemeral: true })) {
                if (container.securityContext?.privileged === true) {
                    report(`${subject}: ${label} sets securityContext.privileged: true`);
                }
            }
        },
    }, opts);
}
