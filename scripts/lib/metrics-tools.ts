/**
 * The Go tools behind Platform Support's metrics images: Prometheus (server and promtool) and
 * Alertmanager (server and amtool), each from a wrapper module under tools/go/ and built and cached
 * like every other tool (see tools.ts).
 *
 * Neither module carries its web UI's built assets (upstream makes them with npm before its release
 * builds): Prometheus answers its HTTP API, and its UI pages answer with an error; Alertmanager's
 * wrapper builds a copy of the module with an empty UI folder, so its API works and its UI page is
 * empty.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GoTool } from "./tools";

/** Prometheus release (module github.com/prometheus/prometheus v0.316.0 is Prometheus 3.16.0). */
export const PROMETHEUS_VERSION = "v3.16.0";
/** The Go module version Prometheus 3.16.0 is published under. */
export const PROMETHEUS_MODULE_VERSION = "v0.316.0";
/** Alertmanager release. */
export const ALERTMANAGER_VERSION = "v0.35.0";

/** The version variables of github.com/prometheus/common/version that upstream's promu sets. */
function versionLdflags(version: string): string[] {
    const pkg = "github.com/prometheus/common/version";
    return [
        `-X ${pkg}.Version=${version.replace(/^v/, "")}`,
        `-X ${pkg}.Branch=HEAD`,
        `-X ${pkg}.BuildUser=containercloud`,
        // Revision needs a git checkout: left empty.
    ];
}

/** Prometheus and promtool, in one `go build`. */
export function prometheusTool(): GoTool {
    return {
        id: "prometheus",
        version: PROMETHEUS_VERSION,
        binary: "prometheus",
        morePkgs: ["github.com/prometheus/prometheus/cmd/promtool"],
        wrapper: "tools/go/prometheus",
        pkg: "github.com/prometheus/prometheus/cmd/prometheus",
        // Upstream's release tags are netgo and builtinassets; builtinassets embeds a file list that the
        // npm build generates (web/ui/embed.go), so it cannot build here. Without it the UI is read from
        // a web/ui/static folder on disk, which the image does not have: UI pages answer with errors.
        tags: "netgo",
        ldflags: ["-s", "-w", ...versionLdflags(PROMETHEUS_VERSION)],
    };
}

/** Page the Alertmanager copy embeds in place of the UI that upstream's npm build makes. */
const ALERTMANAGER_UI_PLACEHOLDER =
    "<!doctype html><title>Alertmanager</title><p>This Alertmanager was built without its web UI " +
    "(upstream builds it with npm). The HTTP API is at /api/v2/.</p>\n";

/**
 * Lays out `<wrapper>/upstream`: a copy of the Alertmanager module whose ui/app/dist (embedded by
 * ui/web.go, made by upstream's npm build, absent from the module zip) holds a placeholder page, so
 * the module compiles. Nothing else changes.
 */
export function prepareAlertmanagerCopy(wrapperDir: string): void {
    const mod = "github.com/prometheus/alertmanager";
    const out = execFileSync("go", ["mod", "download", "-json", `${mod}@${ALERTMANAGER_VERSION}`], {
        cwd: wrapperDir,
        encoding: "utf8",
        env: { ...process.env, GOFLAGS: "-mod=mod" },
    });
    const src = (JSON.parse(out) as { Dir: string }).Dir;
    const dest = path.join(wrapperDir, "upstream");
    fs.rmSync(dest, { recursive: true, force: true });
    fs.cpSync(src, dest, { recursive: true });
    // The module cache is read-only; the copy must be writable to be replaced next time.
    execFileSync("chmod", ["-R", "u+w", dest]);
    for (const ui of ["elm", "mantine"]) {
        fs.mkdirSync(path.join(dest, "ui", "app", "dist", ui), { recursive: true });
        fs.writeFileSync(path.join(dest, "ui", "app", "dist", ui, "index.html"), ALERTMANAGER_UI_PLACEHOLDER);
    }
}

/** Alertmanager and amtool, in one `go build`, from the copy prepareAlertmanagerCopy makes. */
export function alertmanagerTool(): GoTool {
    return {
        id: "alertmanager",
        version: ALERTMANAGER_VERSION,
        binary: "alertmanager",
        morePkgs: ["github.com/prometheus/alertmanager/cmd/amtool"],
        wrapper: "tools/go/alertmanager",
        pkg: "github.com/prometheus/alertmanager/cmd/alertmanager",
        tags: "netgo",
        ldflags: ["-s", "-w", ...versionLdflags(ALERTMANAGER_VERSION)],
        prepare: prepareAlertmanagerCopy,
    };
}

/** Every tool the metrics images need. */
export function metricsTools(): GoTool[] {
    return [alertmanagerTool(), prometheusTool()];
}
