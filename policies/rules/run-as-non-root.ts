import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const RUN_AS_NON_ROOT = "run-as-non-root";

/** Root in a container is root on the node the moment any other boundary fails. */
export function runAsNonRoot(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: RUN_AS_NON_ROOT,
        description: "Every container runs as non-root: runAsNonRoot is true at pod or container level and no runAsUser is 0.",
        remediationSteps: "Set spec.securityContext.runAsNonRoot: true (or per container) and a non-zero runAsUser; build the image with a numeric non-root USER.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            const spec = podSpecOf(type, props) ?? {};
            const pod = spec.securityContext ?? {};
            for (const { container, label } of containersOf(spec, { withEphemeral: true })) {
                const sc = container.securityContext ?? {};
                // The container's setting overrides the pod's, as the kubelet resolves it.
                if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
                    report(`${subject}: ${label} does not set runAsNonRoot: true (pod or container securityContext)`);
                }
                if ((sc.runAsUser ?? pod.runAsUser) === 0) {
                    report(`${subject}: ${label} runs as user 0 (root)`);
                }
            }
        },
    }, opts);
}
