/**
 * The real toolchain: which Go tools the project builds, at which versions, and how.
 *
 * Each tool has a wrapper module under tools/go/<tool> that requires the tool's module at the
 * pinned version and repeats the replace directives of the tool's own go.mod (they are why
 * `go install tool@version` refuses). Binaries are cached outside the repo, keyed by tool, version
 * and a hash of the wrapper, so a changed wrapper rebuilds and a fresh clone reuses the cache.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { CACHE, ROOT } from "./paths";
import { elapsed, runLogged, say } from "./log";

/** A Go tool built from a wrapper module. */
export interface GoTool {
    /** Cache key and log name. */
    id: string;
    /** Version the tool reports (and the plugin version Pulumi sees). */
    version: string;
    /** File name of the binary (the first one, when the tool builds several). */
    binary: string;
    /**
     * Further packages built in the same `go build` (sharing its compile work); each binary is
     * named after the last element of its package path.
     * @default none
     */
    morePkgs?: string[];
    /** Wrapper module folder, relative to the project root. */
    wrapper: string;
    /** Package to build, relative to the wrapper module (`.`) or a full import path. */
    pkg: string;
    /** Linker flags. */
    ldflags: string[];
    /** Build tags. @default none */
    tags?: string;
    /**
     * Build with cgo (CGO_ENABLED=1), for tools with C parts such as runc's nsenter and seccomp;
     * the C toolchain and the libraries' -dev packages must be installed first.
     * @default false
     */
    cgo?: boolean;
    /** Work to do in the wrapper folder before building (e.g. generate embedded files). */
    prepare?: (wrapperDir: string) => void;
}

interface Toolchain {
    pulumi: string;
    kubernetesProvider: { version: string; module: string; moduleVersion: string };
}

/** The versions package.json pins under `pulumiToolchain`. */
export function toolchainVersions(): Toolchain {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    return pkg.pulumiToolchain as Toolchain;
}

function goModDir(wrapperDir: string, mod: string, version: string): string {
    const out = execFileSync("go", ["mod", "download", "-json", `${mod}@${version}`], { cwd: wrapperDir, encoding: "utf8" });
    const info = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!info.Dir) {
        throw new Error(`go could not download ${mod}@${version}: ${info.Error ?? "no Dir reported"}`);
    }
    return info.Dir;
}

/** Writes the provider's embedded schema with its version set, as upstream's `go generate` does. */
export function writeKubernetesEmbeds(moduleDir: string, wrapperDir: string, version: string): void {
    const src = path.join(moduleDir, "cmd", "pulumi-resource-kubernetes");
    const schema = JSON.parse(fs.readFileSync(path.join(src, "schema.json"), "utf8"));
    schema.version = version;
    fs.writeFileSync(path.join(wrapperDir, "schema-embed.json"), JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(path.join(src, "terraform-mapping.json"), "utf8"));
    fs.writeFileSync(path.join(wrapperDir, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

/** The tools `npm run setup` makes sure of, in build order. */
export function pulumiTools(): GoTool[] {
    const v = toolchainVersions();
    const k8s = v.kubernetesProvider;
    return [
        {
            id: "pulumi",
            version: v.pulumi,
            binary: "pulumi",
            wrapper: "tools/go/pulumi",
            pkg: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
            tags: "osusergo,grpcnotrace",
            ldflags: ["-s", "-w", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${v.pulumi}`],
        },
        {
            id: "language-nodejs",
            version: v.pulumi,
            binary: "pulumi-language-nodejs",
            wrapper: "tools/go/language-nodejs",
            pkg: ".",
            ldflags: ["-s", "-w", `-X main.version=${v.pulumi.replace(/^v/, "")}`],
        },
        {
            id: "kubernetes-provider",
            version: k8s.version,
            binary: "pulumi-resource-kubernetes",
            wrapper: "tools/go/kubernetes-provider",
            pkg: ".",
            ldflags: ["-s", "-w", `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${k8s.version}`],
            prepare: (dir) => writeKubernetesEmbeds(goModDir(dir, k8s.module, k8s.moduleVersion), dir, k8s.version),
        },
    ];
}

/** Kubernetes release the local control plane runs. */
export const KUBERNETES_VERSION = "v1.34.2";

/** The tools the local control plane needs: Kubernetes control-plane binaries, etcd and kwok. */
export function controlPlaneTools(): GoTool[] {
    const [major, minor] = KUBERNETES_VERSION.replace(/^v/, "").split(".");
    const versionVars = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
        `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        `-X ${pkg}.gitTreeState=clean`,
    ]);
    return [
        {
            id: "kubernetes",
            version: KUBERNETES_VERSION,
            binary: "kube-apiserver",
            wrapper: "tools/go/kubernetes",
            pkg: "k8s.io/kubernetes/cmd/kube-apiserver",
            morePkgs: [
                "k8s.io/kubernetes/cmd/kube-controller-manager", "k8s.io/kubernetes/cmd/kube-scheduler",
                "k8s.io/kubernetes/cmd/kubelet", "k8s.io/kubernetes/cmd/kube-proxy", "k8s.io/kubernetes/cmd/kubectl",
            ],
            ldflags: ["-s", "-w", ...versionVars],
        },
        { id: "etcd", version: "v3.6.16", binary: "etcd", wrapper: "tools/go/etcd", pkg: ".", ldflags: ["-s", "-w"] },
        {
            id: "kwok",
            version: "v0.8.0",
            binary: "kwok",
            wrapper: "tools/go/kwok",
            pkg: "sigs.k8s.io/kwok/cmd/kwok",
            morePkgs: ["sigs.k8s.io/kwok/cmd/kwokctl"],
            ldflags: ["-s", "-w"],
        },
    ];
}

/** Short hash of a wrapper module's inputs (its Go files, go.mod and go.sum, in sub-folders too), so a changed wrapper gets a new cache entry. */
export function wrapperHash(wrapperDir: string): string {
    const h = crypto.createHash("sha256");
    const walk = (dir: string, rel: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
            const p = path.join(rel, e.name);
            if (e.isDirectory()) {
                // Generated copies (a patched upstream module) are outputs of the wrapper, not inputs.
                if (e.name !== "upstream") {
                    walk(path.join(dir, e.name), p);
                }
            } else if (e.name.endsWith(".go") || e.name === "go.mod" || e.name === "go.sum") {
                h.update(p);
                h.update(fs.readFileSync(path.join(dir, e.name)));
            }
        }
    };
    walk(wrapperDir, "");
    return h.digest("hex").slice(0, 12);
}

/** Where a tool's binary is cached. */
export function cachedBinary(tool: GoTool): string {
    const dir = path.join(ROOT, tool.wrapper);
    return path.join(CACHE, "tools", tool.id, `${tool.version}-${wrapperHash(dir)}`, tool.binary);
}

/** Builds a tool into the cache unless it is there; returns the binary's path. */
export async function ensureGoTool(tool: GoTool, tag = "setup"): Promise<string> {
    const bin = cachedBinary(tool);
    if (fs.existsSync(bin)) {
        say(tag, `${tool.id} ${tool.version}: cached (${bin})`);
        return bin;
    }
    const wrapperDir = path.join(ROOT, tool.wrapper);
    const start = Date.now();
    say(tag, `${tool.id} ${tool.version}: building from Go modules — a cold build takes minutes`);
    if (tool.prepare) {
        say(tag, `${tool.id}: preparing generated files`);
        tool.prepare(wrapperDir);
    }
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const tmp = `${bin}.tmp-${process.pid}`;
    const multi = (tool.morePkgs ?? []).length > 0;
    const tmpDir = `${path.dirname(bin)}.tmp-${process.pid}`;
    const args = ["build", "-trimpath", "-o", multi ? `${tmpDir}/` : tmp, "-ldflags", tool.ldflags.join(" ")];
    if (tool.tags) {
        args.push("-tags", tool.tags);
    }
    args.push(tool.pkg, ...(tool.morePkgs ?? []));
    await runLogged("go", args, {
        cwd: wrapperDir,
        env: { ...process.env, CGO_ENABLED: tool.cgo ? "1" : "0", GOFLAGS: "-mod=mod -buildvcs=false" },
        logFile: "setup.log",
        tag,
        label: `go build ${tool.id}`,
    });
    // Rename last so an interrupted build never leaves a half-written binary in the cache.
    if (multi) {
        for (const f of fs.readdirSync(tmpDir)) {
            fs.renameSync(path.join(tmpDir, f), path.join(path.dirname(bin), f));
        }
        fs.rmSync(tmpDir, { recursive: true, force: true });
    } else {
        fs.renameSync(tmp, bin);
    }
    say(tag, `${tool.id} ${tool.version}: built in ${elapsed(Date.now() - start)}`);
    return bin;
}
