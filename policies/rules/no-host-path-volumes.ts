import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_HOST_PATH_VOLUMES = "no-host-path-volumes";

/** A hostPath volume reaches past the container's filesystem isolation into the node's. */
export function noHostPathVolumes(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_HOST_PATH_VOLUMES,
        description: "Pods mount no hostPath volumes.",
        remediationSteps: "Use a PersistentVolumeClaim (Ceph RBD/CephFS), an emptyDir, a ConfigMap or a Secret instead of hostPath; node agents that must read the node carry an exemption with a reason.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const volume of podSpecOf(type, props)?.volumes ?? []) {
                if (volume.hostPath !== undefined && volume.hostPath !== null) {
                    report(`${subject}: volume "${volume.name ?? "?"}" mounts hostPath ${volume.hostPath.path ?? ""}`.trimEnd());
                }
            }
        },
    }, opts);
}
