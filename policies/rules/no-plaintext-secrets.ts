import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES, TYPES } from "../lib/workloads";

/** The policy name. */
export const NO_PLAINTEXT_SECRETS = "no-plaintext-secrets";

/** Config of `no-plaintext-secrets`. */
export interface PlaintextSecretsConfig {
    /** Case-insensitive regular expression for names that hold secrets. @default "PASSWORD|SECRET|TOKEN|KEY" */
    secretNamePattern: string;
}

const DEFAULT_PATTERN = "PASSWORD|SECRET|TOKEN|KEY";

/**
 * Env literals and ConfigMaps are stored and shown in plain text (in the manifest, the state and
 * `kubectl describe`); secrets belong in a Secret referenced with `valueFrom.secretKeyRef`.
 */
export function noPlaintextSecrets(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule<PlaintextSecretsConfig>({
        name: NO_PLAINTEXT_SECRETS,
        description: "No secret-looking env var (PASSWORD|SECRET|TOKEN|KEY) has a literal value, and no ConfigMap has a secret-looking key.",
        remediationSteps: "Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef (or envFrom.secretRef); move secret keys out of ConfigMaps into Secrets.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: [...POD_BEARING_TYPES, TYPES.configMap],
        config: {
            defaults: { secretNamePattern: DEFAULT_PATTERN },
            schema: {
                properties: {
                    secretNamePattern: { type: "string", default: DEFAULT_PATTERN, description: "Case-insensitive regular expression for secret-looking names." },
                },
            },
        },
        check: ({ type, props, subject, config, report }) => {
            const secretLike = new RegExp(config.secretNamePattern, "i");
            if (type === TYPES.configMap) {
                for (const field of ["data", "binaryData"]) {
                    const data = (props[field] ?? {}) as Record<string, unknown>;
                    for (const key of Object.keys(data).filter((k) => secretLike.test(k))) {
                        report(`${subject}: ${field} key "${key}" looks like a secret; store it in a Secret`);
                    }
                }
                return;
            }
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withEphemeral: true })) {
                for (const env of container.env ?? []) {
                    // An absolute path names a mounted file (ETCDCTL_KEY=/certs/tls.key): the secret is
                    // in the mounted Secret, not in the literal.
                    const isFilePath = typeof env.value === "string" && /^\/[^\s]*$/.test(env.value);
                    if (typeof env.name === "string" && secretLike.test(env.name) && typeof env.value === "string" && env.value !== "" && !isFilePath) {
                        report(`${subject}: ${label} sets env ${env.name} to a literal value; use valueFrom.secretKeyRef`);
                    }
                }
            }
        },
    }, opts);
}
