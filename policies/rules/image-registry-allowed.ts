import { isAllowedRegistry } from "../lib/images";
import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const IMAGE_REGISTRY_ALLOWED = "image-registry-allowed";

/** Config of `image-registry-allowed`. */
export interface ImageRegistryConfig {
    /**
     * Registry hosts (optionally with a path prefix) images may come from; an empty list allows any.
     * @default the platform registry and its mirror
     */
    allowedRegistries: string[];
}

/** The platform registry and its pull-through mirror (override per environment in config/<env>.json). */
export const DEFAULT_ALLOWED_REGISTRIES: readonly string[] = ["registry.containercloud.local", "mirror.containercloud.local"];

/** Images come only from registries the platform controls (scanned, mirrored, available offline). */
export function imageRegistryAllowed(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule<ImageRegistryConfig>({
        name: IMAGE_REGISTRY_ALLOWED,
        description: "Every container image comes from an allowed registry (the platform registry or its mirror).",
        remediationSteps: "Push the image to the platform registry or pull it through the mirror (stack config imageMirror), or add the registry to allowedRegistries in the environment's policy config.",
        exemptible: false,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        config: {
            defaults: { allowedRegistries: [...DEFAULT_ALLOWED_REGISTRIES] },
            schema: {
                properties: {
                    allowedRegistries: {
                        type: "array",
                        items: { type: "string" },
                        default: [...DEFAULT_ALLOWED_REGISTRIES],
                        description: "Registry hosts, optionally with a path prefix; an empty list allows any registry.",
                    },
                },
            },
        },
        check: ({ type, props, subject, config, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withEphemeral: true })) {
                const image = container.image;
                if (typeof image === "string" && image !== "" && !isAllowedRegistry(image, config.allowedRegistries)) {
                    report(`${subject}: ${label} image ${image} is not from an allowed registry (${config.allowedRegistries.join(", ")})`);
                }
            }
        },
    }, opts);
}
