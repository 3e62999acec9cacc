import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const RESTRICTED_CAPABILITIES = "restricted-capabilities";

/** Config of `restricted-capabilities`. */
export interface RestrictedCapabilitiesConfig {
    /** Capabilities a container may add (with or without the `CAP_` prefix). @default ["NET_BIND_SERVICE"] */
    allowedCapabilities: string[];
}

const DEFAULT_ALLOWED = ["NET_BIND_SERVICE"];

/** `cap_net_admin` and `NET_ADMIN` are the same capability. */
function normalize(cap: string): string {
    return cap.toUpperCase().replace(/^CAP_/, "");
}

/** Each added Linux capability is a slice of root; only the allowed ones may be added. */
export function restrictedCapabilities(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule<RestrictedCapabilitiesConfig>({
        name: RESTRICTED_CAPABILITIES,
        description: "Containers add no Linux capabilities beyond the allowed set (default NET_BIND_SERVICE).",
        remediationSteps: "Drop ALL capabilities and add back only those in allowedCapabilities; agents that need more (e.g. NET_ADMIN for a CNI) carry an exemption with a reason.",
        exemptible: true,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        config: {
            defaults: { allowedCapabilities: DEFAULT_ALLOWED },
            schema: {
                properties: {
                    allowedCapabilities: { type: "array", items: { type: "string" }, default: DEFAULT_ALLOWED, description: "Capabilities a container may add." },
                },
            },
        },
        check: ({ type, props, subject, config, report }) => {
            const allowed = new Set(config.allowedCapabilities.map(normalize));
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withEphemeral: true })) {
                const extra = (container.securityContext?.capabilities?.add ?? []).filter((c) => !allowed.has(normalize(c)));
                if (extra.length > 0) {
                    report(`${subject}: ${label} adds capabilities ${extra.join(", ")} (allowed: ${[...allowed].join(", ") || "none"})`);
                }
            }
        },
    }, opts);
}
