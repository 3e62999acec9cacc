/**
 * The Code Center's programs, built from Go modules and cached like the other tools (see tools.ts):
 * Gitea (the git server) and BuildKit's buildkitd and buildctl (the image builder and its client).
 *
 * Gitea cannot be `go install`ed by version: its go.mod names the module `gitea.dev` (the proxy
 * serves it as code.gitea.io/gitea), and its `bindata` tag embeds files upstream's `make generate`
 * writes. `prepare` lays out a copy of the module with them (tools/go/gitea/patch.go), which the
 * wrapper's go.mod points gitea.dev at. The web front end (JS/CSS from a pnpm/vite build) is not
 * built: git over HTTP, the API and the server-rendered pages work without it (pages are unstyled).
 */
import { execFileSync } from "child_process";
import { GoTool } from "./tools";

/** Gitea release of the git server image (its tag in versions.ts is this version, without the `v`). */
export const GITEA_VERSION = "v1.27.3";
/** BuildKit release of the builder image (its tag in versions.ts is this version). */
export const BUILDKIT_VERSION = "v0.34.2";

/**
 * Gitea's build tags, as upstream's Dockerfile sets them: assets and time zones embedded. Its pure-Go
 * SQLite driver is in every build (only `sqlite_mattn` swaps it for cgo's); the platform uses PostgreSQL.
 */
export const GITEA_TAGS = "bindata timetzdata";

/** gitea, from the module root's main package with the version variables upstream's Makefile sets. */
export function giteaTool(): GoTool {
    return {
        id: "gitea",
        version: GITEA_VERSION,
        binary: "gitea",
        wrapper: "tools/go/gitea",
        pkg: "gitea.dev",
        tags: GITEA_TAGS,
        ldflags: ["-s", "-w", `-X main.Version=${GITEA_VERSION.replace(/^v/, "")}`, `-X 'main.Tags=${GITEA_TAGS}'`],
        // Lays out ./upstream (patch.go is part of the wrapper hash: a changed patch rebuilds).
        prepare: (dir) => {
            execFileSync("go", ["run", "patch.go"], {
                cwd: dir,
                stdio: "inherit",
                env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod -buildvcs=false" },
            });
        },
    };
}

/**
 * buildkitd and buildctl in one build (they share most packages), with upstream's tags for the
 * static daemon (osusergo netgo static_build seccomp; cgo off as in its Dockerfile) and its version
 * variables (the revision needs a git checkout: left unset).
 */
export function buildkitTool(): GoTool {
    const pkg = "github.com/moby/buildkit";
    return {
        id: "buildkit",
        version: BUILDKIT_VERSION,
        binary: "buildkitd",
        morePkgs: [`${pkg}/cmd/buildctl`],
        wrapper: "tools/go/buildkit",
        pkg: `${pkg}/cmd/buildkitd`,
        tags: "osusergo,netgo,static_build,seccomp",
        ldflags: ["-s", "-w", `-X ${pkg}/version.Version=${BUILDKIT_VERSION}`, `-X ${pkg}/version.Package=${pkg}`],
    };
}
