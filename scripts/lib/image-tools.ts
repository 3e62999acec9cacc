/**
 * The Go tools behind the local cluster's images: the host registry (distribution), crane (which
 * pushes and inspects images), and the programs the images carry (flanneld, the flannel CNI plugin,
 * CoreDNS, pause). Each has a wrapper module under tools/go/<tool> and is built and cached like
 * every other tool (see tools.ts). All build without cgo except flanneld (see its wrapper's go.mod).
 */
import { ensureGoTool, GoTool } from "./tools";
import { otelcolTool, victoriaLogsTool } from "./telemetry-images";

/** CNCF distribution release of the host registry. */
export const REGISTRY_VERSION = "v3.1.2";
/** go-containerregistry release crane is built from. */
export const CRANE_VERSION = "v0.22.1";
/** Flannel release of the flannel image (its tag in versions.ts is this version). */
export const FLANNEL_VERSION = "v0.28.10";
/**
 * containernetworking/plugins release the flannel CNI plugin is built from: v0.9.1 is the last one
 * that carried plugins/meta/flannel, and its maintained home (github.com/flannel-io/cni-plugin) is
 * not served by the Go module proxy.
 */
export const FLANNEL_CNI_PLUGIN_SOURCE_VERSION = "v0.9.1";
/** CoreDNS release of the CoreDNS image. */
export const COREDNS_VERSION = "v1.15.0";
/** metrics-server release of the metrics-server image. */
export const METRICS_SERVER_VERSION = "v0.8.0";
/** Version the pause program reports: that of the pause image it stands in for. */
export const PAUSE_VERSION = "3.10.1";

/** The host registry: distribution's `registry` command. */
export function registryTool(): GoTool {
    const pkg = "github.com/distribution/distribution/v3";
    return {
        id: "registry",
        version: REGISTRY_VERSION,
        binary: "registry",
        wrapper: "tools/go/registry",
        pkg: `${pkg}/cmd/registry`,
        // The version variables upstream's Makefile sets (revision needs a git checkout: left empty).
        ldflags: ["-s", "-w", `-X ${pkg}/version.version=${REGISTRY_VERSION}`, `-X ${pkg}/version.mainpkg=${pkg}`],
    };
}

/** crane: pushes the image layouts ensureLocalImages writes, and inspects what a registry holds. */
export function craneTool(): GoTool {
    return {
        id: "crane",
        version: CRANE_VERSION,
        binary: "crane",
        wrapper: "tools/go/crane",
        pkg: "github.com/google/go-containerregistry/cmd/crane",
        ldflags: ["-s", "-w", `-X github.com/google/go-containerregistry/cmd/crane/cmd.Version=${CRANE_VERSION}`],
    };
}

/** flanneld, from flannel's own main package (the wrapper stubs the one SDK the proxy refuses). */
export function flannelTool(): GoTool {
    return {
        id: "flannel",
        version: FLANNEL_VERSION,
        binary: "flanneld",
        wrapper: "tools/go/flannel",
        pkg: "github.com/flannel-io/flannel",
        // The udp backend is C on amd64: cgo, linked statically as upstream's Makefile does. netgo
        // and osusergo keep name and user lookups in Go, so the static binary never needs glibc's
        // NSS modules at run time.
        cgo: true,
        tags: "netgo,osusergo",
        ldflags: ["-s", "-w", `-X github.com/flannel-io/flannel/pkg/version.Version=${FLANNEL_VERSION}`, "-extldflags", "-static"],
    };
}

/** The `flannel` CNI plugin (containernetworking/plugins' plugins/meta/flannel). */
export function flannelCniPluginTool(): GoTool {
    const v = FLANNEL_CNI_PLUGIN_SOURCE_VERSION;
    return {
        id: "flannel-cni-plugin",
        version: v,
        binary: "flannel",
        wrapper: "tools/go/flannel-cni-plugin",
        pkg: "github.com/containernetworking/plugins/plugins/meta/flannel",
        ldflags: ["-s", "-w", `-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${v}`],
    };
}

/** CoreDNS with its default plugin set (the module root, built as upstream's Makefile does). */
export function corednsTool(): GoTool {
    return {
        id: "coredns",
        version: COREDNS_VERSION,
        binary: "coredns",
        wrapper: "tools/go/coredns",
        pkg: "github.com/coredns/coredns",
        // Upstream also sets coremain.GitCommit, which needs a git checkout: left empty.
        ldflags: ["-s", "-w"],
    };
}

/** pause, the pod sandbox program (our own: tools/go/pause/main.go). */
export function pauseTool(): GoTool {
    return {
        id: "pause",
        version: PAUSE_VERSION,
        binary: "pause",
        wrapper: "tools/go/pause",
        pkg: ".",
        ldflags: ["-s", "-w", `-X main.version=${PAUSE_VERSION}`],
    };
}

/** metrics-server (Platform Control), built as upstream's Makefile does. */
export function metricsServerTool(): GoTool {
    return {
        id: "metrics-server",
        version: METRICS_SERVER_VERSION,
        binary: "metrics-server",
        wrapper: "tools/go/metrics-server",
        pkg: "sigs.k8s.io/metrics-server/cmd/metrics-server",
        ldflags: ["-s", "-w", `-X k8s.io/client-go/pkg/version.gitVersion=${METRICS_SERVER_VERSION}`],
    };
}

/** Every tool the local images need, cheapest first (crane and the registry are needed to push). */
export function imageTools(): GoTool[] {
    return [pauseTool(), craneTool(), flannelCniPluginTool(), registryTool(), flannelTool(), corednsTool(), metricsServerTool(), victoriaLogsTool(), otelcolTool()];
}

/** Builds (or finds in the cache) every image tool; returns the binaries' paths by tool id. */
export async function ensureImageTools(tag = "images"): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const tool of imageTools()) {
        out[tool.id] = await ensureGoTool(tool, tag);
    }
    return out;
}
