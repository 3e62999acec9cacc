import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_PRIVILEGE_ESCALATION = "no-privilege-escalation";

/** Without an explicit `false`, setuid binaries inside the image can gain privileges (no_new_privs is off). */
export function noPrivilegeEscalation(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_PRIVILEGE_ESCALATION,
        description: "Every container sets securityContext.allowPrivilegeEscalation to false (Pod Security Standards: restricted).",
        remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on every container and init container.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withEphemeral: true })) {
                if (container.securityContext?.allowPrivilegeEscalation !== false) {
                    report(`${subject}: ${label} does not set securityContext.allowPrivilegeEscalation: false`);
                }
            }
        },
    }, opts);
}
