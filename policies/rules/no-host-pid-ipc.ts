import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_HOST_PID_IPC = "no-host-pid-ipc";

/** Sharing the node's PID or IPC namespace lets a pod see and signal every process on the node. */
export function noHostPidIpc(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_HOST_PID_IPC,
        description: "Pods do not share the node's PID or IPC namespace (hostPID, hostIPC).",
        remediationSteps: "Remove spec.hostPID and spec.hostIPC.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            const spec = podSpecOf(type, props) ?? {};
            if (spec.hostPID === true) {
                report(`${subject}: pod sets hostPID: true`);
            }
            if (spec.hostIPC === true) {
                report(`${subject}: pod sets hostIPC: true`);
            }
        },
    }, opts);
}
