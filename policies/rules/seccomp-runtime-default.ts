import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const SECCOMP_RUNTIME_DEFAULT = "seccomp-runtime-default";

const CONFINED = ["RuntimeDefault", "Localhost"];

/** The runtime's default seccomp profile blocks syscalls containers never need; advisory by default. */
export function seccompRuntimeDefault(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: SECCOMP_RUNTIME_DEFAULT,
        description: "Every container runs under the RuntimeDefault (or a Localhost) seccomp profile.",
        remediationSteps: "Set spec.securityContext.seccompProfile.type: RuntimeDefault (or per container).",
        exemptible: true,
        defaultLevel: "advisory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            const spec = podSpecOf(type, props) ?? {};
            const podProfile = spec.securityContext?.seccompProfile?.type;
            for (const { container, label } of containersOf(spec, { withEphemeral: true })) {
                const profile = container.securityContext?.seccompProfile?.type ?? podProfile;
                if (profile === undefined || !CONFINED.includes(profile)) {
                    report(`${subject}: ${label} has seccomp profile ${profile ?? "unset (Unconfined)"}; use RuntimeDefault`);
                }
            }
        },
    }, opts);
}
