/** What the local control plane must provide for the `local` stack's config. */
import * as path from "path";
import { parsePlatformConfig } from "../../stacks/config";
import { readStackConfig } from "./stack-file";
import { ROOT } from "./paths";

function localConfig() {
    const read = readStackConfig(path.join(ROOT, "stacks", "Pulumi.local.yaml"));
    if (!read.ok) {
        throw new Error(`stacks/Pulumi.local.yaml: ${read.error}`);
    }
    const parsed = parsePlatformConfig(read.raw);
    if (!parsed.ok) {
        throw new Error("stacks/Pulumi.local.yaml is not valid: run `npm run check-config -- stacks/Pulumi.local.yaml`");
    }
    return parsed.config;
}

/** The local stack's pod and service CIDRs: the local cluster's controller-manager and kube-proxy use the same. */
export function localCidrs(): { podCidr: string; serviceCidr: string } {
    const network = localConfig().network;
    return { podCidr: network.podCidr, serviceCidr: network.serviceCidr };
}

/** The local stack's `imageMirror` (the local cluster's host registry). */
export function localImageMirror(): string | undefined {
    return localConfig().imageMirror;
}

/** StorageClass names the local stack's PVCs use (the local cluster backs them with static volumes). */
export function localStorageClasses(): string[] {
    const storage = localConfig().storage as Record<string, unknown>;
    const names = new Set<string>(["standard"]);
    for (const v of Object.values((storage.classes as Record<string, unknown> | undefined) ?? {})) {
        if (typeof v === "string") {
            names.add(v);
        }
    }
    return [...names];
}

/** The local stack's base domain (`registry.<domain>` and the apps' hosts). */
export function localDomain(): string {
    return localConfig().domain;
}
