/** What the local control plane must provide for the `local` stack's config. */
import * as path from "path";
import { parsePlatformConfig } from "../../stacks/config";
import { readStackConfig } from "./stack-file";
import { ROOT } from "./paths";

/** StorageClass names the local stack's PVCs use (the local cluster backs them with static volumes). */
export function localStorageClasses(): string[] {
    const read = readStackConfig(path.join(ROOT, "stacks", "Pulumi.local.yaml"));
    if (!read.ok) {
        throw new Error(`stacks/Pulumi.local.yaml: ${read.error}`);
    }
    const parsed = parsePlatformConfig(read.raw);
    if (!parsed.ok) {
        throw new Error("stacks/Pulumi.local.yaml is not valid: run `npm run check-config -- stacks/Pulumi.local.yaml`");
    }
    const storage = parsed.config.storage as Record<string, unknown>;
    const names = new Set<string>(["standard"]);
    for (const v of Object.values((storage.classes as Record<string, unknown> | undefined) ?? {})) {
        if (typeof v === "string") {
            names.add(v);
        }
    }
    return [...names];
}
