/**
 * The App Router's gateway program: Traefik (MIT), built from Go modules and cached like the other
 * tools (see tools.ts). `go install` of cmd/traefik fails here in three places, each handled in the
 * wrapper module tools/go/traefik (its go.mod says how): the nested module
 * github.com/traefik/traefik/dynamic/ext is not served (a stub with upstream's same empty types),
 * the go-http-auth fork commit Traefik pins answers 403 (an older commit of the same fork is served),
 * and about a dozen cloud SDKs behind lego's ACME DNS providers answer 403 (`prepare` lays out a lego
 * copy without those providers: tools/go/traefik/patch.go).
 *
 * The web dashboard is not built: Traefik embeds `webui/static`, which the module's zip carries
 * with only a placeholder file (upstream fills it with an npm build). The binary compiles and
 * serves the API; the platform runs with the dashboard off.
 */
import { execFileSync } from "child_process";
import { GoTool } from "./tools";

/** Traefik release of the router image (its tag in versions.ts is this version). */
export const TRAEFIK_VERSION = "v3.7.13";

/** traefik, from upstream's cmd/traefik with the version variables upstream's Makefile sets. */
export function traefikTool(): GoTool {
    const pkg = "github.com/traefik/traefik/v3";
    return {
        id: "traefik",
        version: TRAEFIK_VERSION,
        binary: "traefik",
        wrapper: "tools/go/traefik",
        pkg: `${pkg}/cmd/traefik`,
        // Codename: upstream's Makefile default; BuildDate needs the release's date: left unset.
        ldflags: ["-s", "-w", `-X ${pkg}/pkg/version.Version=${TRAEFIK_VERSION}`, `-X ${pkg}/pkg/version.Codename=cheddar`],
        // Lays out ./upstream/lego (the copy go.mod's replace points at). patch.go is part of the
        // wrapper hash, so a changed patch gets a new cache entry.
        prepare: (dir) => {
            execFileSync("go", ["run", "patch.go"], {
                cwd: dir,
                stdio: "inherit",
                env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod -buildvcs=false" },
            });
        },
    };
}
