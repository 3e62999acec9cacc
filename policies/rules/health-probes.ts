import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, SERVING_TYPES } from "../lib/workloads";

/** The policy name. */
export const HEALTH_PROBES = "health-probes";

/** Without probes a hung process keeps receiving traffic and a rollout cannot tell a broken version from a good one. */
export function healthProbes(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: HEALTH_PROBES,
        description: "Every long-running container declares a liveness and a readiness probe.",
        remediationSteps: "Add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to every container; Jobs and init containers are not checked.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: SERVING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withInit: false })) {
                if (container.livenessProbe === undefined || container.livenessProbe === null) {
                    report(`${subject}: ${label} has no livenessProbe`);
                }
                if (container.readinessProbe === undefined || container.readinessProbe === null) {
                    report(`${subject}: ${label} has no readinessProbe`);
                }
            }
        },
    }, opts);
}
