import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_REGISTRY_CREDENTIALS_MOUNTS = "no-registry-credential-mounts";

/** The registry credentials Secret of every tenant namespace (TENANT_PULL_SECRET in components/tenancy). */
export const REGISTRY_CREDENTIALS_SECRET = "registry-pull";

/**
 * The registry's credentials in a tenant namespace push as well as pull. Pods pull with them
 * (imagePullSecrets, read by the kubelet); a pod that mounts them, or reads them into its env,
 * hands them to whoever may create pods there, which RBAC alone cannot prevent.
 */
export function noRegistryCredentialMounts(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: NO_REGISTRY_CREDENTIALS_MOUNTS,
        description: `No pod mounts the ${REGISTRY_CREDENTIALS_SECRET} Secret or reads it into env (imagePullSecrets may name it).`,
        remediationSteps: `Name ${REGISTRY_CREDENTIALS_SECRET} only in imagePullSecrets; a build that pushes gets credentials of its own (the Code Center's builder has them).`,
        exemptible: false,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            const spec = podSpecOf(type, props) ?? {};
            for (const volume of spec.volumes ?? []) {
                const projected = (volume.projected?.sources ?? []).some((s) => s.secret?.name === REGISTRY_CREDENTIALS_SECRET);
                if (volume.secret?.secretName === REGISTRY_CREDENTIALS_SECRET || projected) {
                    report(`${subject}: volume "${volume.name ?? "?"}" mounts the ${REGISTRY_CREDENTIALS_SECRET} Secret`);
                }
            }
            for (const { container, label } of containersOf(spec)) {
                const fromEnv = (container.env ?? []).some((e) => e.valueFrom?.secretKeyRef?.name === REGISTRY_CREDENTIALS_SECRET);
                const fromEnvFrom = (container.envFrom ?? []).some((e) => e.secretRef?.name === REGISTRY_CREDENTIALS_SECRET);
                if (fromEnv || fromEnvFrom) {
                    report(`${subject}: ${label} reads the ${REGISTRY_CREDENTIALS_SECRET} Secret into its env`);
                }
            }
        },
    }, opts);
}
