import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const READ_ONLY_ROOT_FILESYSTEM = "read-only-root-filesystem";

/** A read-only root filesystem stops an intruder from dropping tools into the image; advisory because many images still write to it. */
export function readOnlyRootFilesystem(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: READ_ONLY_ROOT_FILESYSTEM,
        description: "Every container mounts its root filesystem read-only.",
        remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (e.g. /tmp).",
        exemptible: true,
        defaultLevel: "advisory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {})) {
                if (container.securityContext?.readOnlyRootFilesystem !== true) {
                    report(`${subject}: ${label} does not set securityContext.readOnlyRootFilesystem: true`);
                }
            }
        },
    }, opts);
}
