/** The `local` stack's config for tests that deploy it somewhere other than the real local cluster. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The keys `stacks/Pulumi.local.yaml` sets only for the real local cluster: its image mirror, and
 * the modules it turns off until their images are built here.
 */
export const REAL_CLUSTER_KEYS = ["containercloud:imageMirror", "containercloud:etcd", "containercloud:appEngine"];

/**
 * The `local` stack's config with the whole local profile: for a render-only stack or a kwok cluster,
 * where no container runs, every module is deployed (without the real cluster's keys).
 */
export function fullLocalConfig(): Record<string, unknown> {
    const local = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config = structuredClone(local.config);
    for (const key of REAL_CLUSTER_KEYS) {
        delete config[key];
    }
    return config;
}
