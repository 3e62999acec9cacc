/**
 * The node container runtime: containerd 2.x, its runc shim, ctr, runc and the CNI plugins, built
 * from Go modules at current releases (Debian's are containerd 1.6, runc 1.1 and plugins 1.1) and
 * cached like the other tools (see tools.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { runLogged, say } from "./log";
import { cachedBinary, ensureGoTool, GoTool } from "./tools";

/** containerd release the nodes run (its config format is `version = 4`: see containerd-config.ts). */
export const CONTAINERD_VERSION = "v2.4.2";
/** runc release the nodes run. */
export const RUNC_VERSION = "v1.5.3";
/** containernetworking/plugins release the nodes run. */
export const CNI_PLUGINS_VERSION = "v1.10.0";

/**
 * CNI plugins built: what a bridge pod network needs (bridge, host-local, loopback, portmap) and the
 * cheap meta plugins a conflist may chain (bandwidth, firewall, tuning).
 */
export const CNI_PLUGINS = ["bridge", "host-local", "loopback", "portmap", "bandwidth", "firewall", "tuning"] as const;

const CNI_PLUGIN_PKGS: Record<(typeof CNI_PLUGINS)[number], string> = {
    bridge: "main/bridge",
    "host-local": "ipam/host-local",
    loopback: "main/loopback",
    portmap: "meta/portmap",
    bandwidth: "meta/bandwidth",
    firewall: "meta/firewall",
    tuning: "meta/tuning",
};

/** Debian packages the runtime's build needs: runc links libseccomp (statically) through cgo. */
export const NODE_RUNTIME_APT_PACKAGES = ["gcc", "libc6-dev", "libseccomp-dev"];

/** The node runtime tools, in build order. */
export function nodeRuntimeTools(): GoTool[] {
    const containerdPkg = "github.com/containerd/containerd/v2";
    const cniPkgs = CNI_PLUGINS.map((p) => `github.com/containernetworking/plugins/plugins/${CNI_PLUGIN_PKGS[p]}`);
    return [
        {
            id: "containerd",
            version: CONTAINERD_VERSION,
            binary: "containerd",
            wrapper: "tools/go/containerd",
            pkg: `${containerdPkg}/cmd/containerd`,
            morePkgs: [`${containerdPkg}/cmd/containerd-shim-runc-v2`, `${containerdPkg}/cmd/ctr`],
            // Upstream's static release tags. Without cgo the btrfs snapshotter drops out by itself;
            // no_btrfs says so. Upstream also builds the shim alone with no_grpc, which only makes it
            // smaller: one build here shares the compile work instead.
            tags: "urfave_cli_no_docs,osusergo,netgo,static_build,no_btrfs",
            ldflags: [
                "-s", "-w",
                `-X ${containerdPkg}/version.Version=${CONTAINERD_VERSION}`,
                `-X ${containerdPkg}/version.Package=${containerdPkg}`,
            ],
        },
        {
            id: "runc",
            version: RUNC_VERSION,
            binary: "runc",
            wrapper: "tools/go/runc",
            pkg: "github.com/opencontainers/runc",
            // seccomp needs libseccomp and libcontainer/nsenter is C: cgo, linked statically so the
            // binary runs in any root filesystem. main.version is go:embed'ed from the module's VERSION
            // file, so the release's own version needs no -X. libpathrs (a Rust library) is left
            // out, so runc uses its pure-Go pathrs-lite.
            cgo: true,
            tags: "seccomp,urfave_cli_no_docs,netgo,osusergo",
            ldflags: ["-s", "-w", "-extldflags", "-static"],
        },
        {
            id: "cni-plugins",
            version: CNI_PLUGINS_VERSION,
            binary: CNI_PLUGINS[0],
            wrapper: "tools/go/cni-plugins",
            pkg: cniPkgs[0],
            morePkgs: cniPkgs.slice(1),
            ldflags: ["-s", "-w", `-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${CNI_PLUGINS_VERSION}`],
        },
    ];
}

/** Absolute paths of a node's runtime binaries. */
export interface NodeRuntime {
    /** The containerd daemon. */
    containerd: string;
    /** containerd-shim-runc-v2, which containerd finds on PATH or next to itself. */
    shim: string;
    /** containerd's client. */
    ctr: string;
    /** runc, statically linked with seccomp. */
    runc: string;
    /** Folder holding the CNI plugin binaries (CNI `bin_dir`). */
    cniBinDir: string;
}

/** Whether a Debian package is installed (`dpkg -s` reports `install ok installed`). */
function debInstalled(pkg: string): boolean {
    const r = spawnSync("dpkg", ["-s", pkg], { encoding: "utf8" });
    return r.status === 0 && /^Status: install ok installed$/m.test(r.stdout);
}

/** Installs the Debian packages that are missing; runs `apt-get update` once if the install fails. */
export async function ensureDebPackages(pkgs: string[], tag = "setup"): Promise<void> {
    const missing = pkgs.filter((p) => !debInstalled(p));
    if (missing.length === 0) {
        return;
    }
    const run = (args: string[], label: string) =>
        runLogged("apt-get", args, {
            env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
            logFile: "setup.log",
            tag,
            label,
        });
    say(tag, `installing Debian packages: ${missing.join(" ")} (apt-get install -y)`);
    try {
        await run(["install", "-y", ...missing], "apt-get install");
    } catch {
        say(tag, "apt-get install failed: running apt-get update and trying once more");
        await run(["update"], "apt-get update");
        await run(["install", "-y", ...missing], "apt-get install");
    }
}

/**
 * Builds (or finds in the cache) containerd, its shim, ctr, runc and the CNI plugins; installs the
 * Debian packages a cgo build needs first, when one is due.
 */
export async function ensureNodeRuntime(tag = "setup"): Promise<NodeRuntime> {
    for (const tool of nodeRuntimeTools()) {
        if (tool.cgo && !fs.existsSync(cachedBinary(tool))) {
            await ensureDebPackages(NODE_RUNTIME_APT_PACKAGES, tag);
        }
        await ensureGoTool(tool, tag);
    }
    return nodeRuntimePaths();
}

/** Where the node runtime's binaries are cached; does not build them (see `ensureNodeRuntime`). */
export function nodeRuntimePaths(): NodeRuntime {
    const [containerdTool, runcTool, cniTool] = nodeRuntimeTools();
    const containerd = cachedBinary(containerdTool);
    return {
        containerd,
        shim: path.join(path.dirname(containerd), "containerd-shim-runc-v2"),
        ctr: path.join(path.dirname(containerd), "ctr"),
        runc: cachedBinary(runcTool),
        cniBinDir: path.dirname(cachedBinary(cniTool)),
    };
}
