/**
 * Stack config section `apps`: where the stack's app manifests come from. Apps live as YAML files
 * in `appDir` (one app per file) and/or inline in the stack file; both are validated by the app
 * model (`parseAppManifest`), which reports one line per problem naming the app and the field.
 */
import * as path from "path";
import * as z from "zod";
import { AppsLoadResult, loadApps } from "../../components/app-engine/app-manifest";
import { Section } from "./profile";
import { checkApps } from "./app-checks";
import type { PlatformConfig } from "./index";

/** Schema of the `containercloud:apps` key. */
export const appsSchema = z.strictObject({
    /** Folder of `*.yaml` app manifests, relative to the project root; "" for none. */
    appDir: z.string(),
    /**
     * Apps written inline in the stack file (same shape as a manifest file). Validated by the app
     * model when loaded, so that errors name the app. @default []
     */
    inline: z.array(z.record(z.string(), z.unknown()), "a list of app manifests").default([]),
});

/** The parsed `containercloud:apps`. */
export type AppsConfig = z.infer<typeof appsSchema>;

/** Per-environment defaults of `containercloud:apps`: each environment has its own folder. */
export const appsSection: Section<typeof appsSchema> = {
    schema: appsSchema,
    profiles: {
        local: { appDir: "stacks/apps/local", inline: [] },
        dev: { appDir: "stacks/apps/dev", inline: [] },
        staging: { appDir: "stacks/apps/staging", inline: [] },
        prod: { appDir: "stacks/apps/prod", inline: [] },
    },
};

/** Loads and validates the stack's apps: files of `appDir` (sorted), then the inline ones. */
export function loadStackApps(apps: AppsConfig, projectDir: string): AppsLoadResult {
    const dir = apps.appDir === "" ? undefined : path.resolve(projectDir, apps.appDir);
    return loadApps(dir, apps.inline, "containercloud:apps.inline");
}

/**
 * The stack's apps, loaded, validated and checked against the config (teams, route ownership):
 * what the program and `check-config` both run before anything changes.
 */
export function stackApps(config: PlatformConfig, projectDir: string): AppsLoadResult {
    const loaded = loadStackApps(config.apps, projectDir);
    if (!loaded.ok) {
        return loaded;
    }
    const problems = checkApps(config, loaded.apps);
    return problems.length === 0 ? loaded : { ok: false, errors: problems };
}
