import { pinOf } from "../lib/images";
import { resourceRule } from "../lib/rule";
import type { PlatformResourcePolicy, RuleOptions } from "../lib/types";
import { containersOf, podSpecOf, POD_BEARING_TYPES } from "../lib/workloads";

/** The policy name. */
export const IMAGE_PINNED = "image-pinned";

/** A moving tag makes a rollout unrepeatable and a rollback meaningless, so images are pinned. */
export function imagePinned(opts: RuleOptions = {}): PlatformResourcePolicy {
    return resourceRule({
        name: IMAGE_PINNED,
        description: "Every container image is pinned to a tag other than latest or to a sha256 digest.",
        remediationSteps: "Reference images as <repo>:<version> or <repo>@sha256:<digest>; never :latest or an untagged name.",
        exemptible: false,
        defaultLevel: "mandatory",
        appliesTo: POD_BEARING_TYPES,
        check: ({ type, props, subject, report }) => {
            for (const { container, label } of containersOf(podSpecOf(type, props) ?? {}, { withEphemeral: true })) {
                const image = container.image;
                if (typeof image !== "string" || image === "") {
                    report(`${subject}: ${label} has no image`);
                    continue;
                }
                const pin = pinOf(image);
                if (pin === "latest") {
                    report(`${subject}: ${label} uses the moving tag "latest" (${image}); pin a version or digest`);
                } else if (pin === "untagged") {
                    report(`${subject}: ${label} image ${image} has no tag (defaults to latest); pin a version or digest`);
                }
            }
        },
    }, opts);
}
