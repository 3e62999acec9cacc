/**
 * The images the local cluster runs, built on this machine: no container registry is reachable and
 * there is no Docker engine. Each image is one layer assembled from Go binaries (image-tools.ts)
 * and files of Debian packages (trixie, fetched with a private apt state, never installed on the
 * host), written as an OCI image layout in the tool cache, and pushed to a plain-HTTP registry on the
 * host that the nodes' containerd pulls from as a mirror.
 *
 * Images keep the references the platform's manifests use (versions.ts) and the entrypoint, user and
 * environment of upstream's images, so nothing in the manifests changes. In the registry an image
 * sits under its source host: `docker.io/flannel/flannel:v0.28.10` is pushed as
 * `<registry>/docker.io/flannel/flannel:v0.28.10`.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BUSYBOX_IMAGE, COREDNS_IMAGE, FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, KUBE_NETWORK_POLICIES_IMAGE, KUBECTL_IMAGE, METRICS_SERVER_IMAGE, PAUSE_IMAGE, REGISTRY_IMAGE } from "../../components/versions";
import { CACHE } from "./paths";
import { elapsed, runLogged, say } from "./log";
import { ensureDebPackages } from "./node-tools";
import { cachedBinary, controlPlaneTools, ensureGoTool, GoTool } from "./tools";
import { corednsTool, craneTool, flannelCniPluginTool, flannelTool, metricsServerTool, pauseTool, registryTool } from "./image-tools";
import { netpolTools } from "./netpol-tools";
import { metricsImages } from "./metrics-images";
import { traefikImage } from "./router-image";
import { etcdImage } from "./etcd-image";
import { serviceImages } from "./service-images";
import { consoleImages } from "./console-image";
import { codeCenterImages } from "./code-center-images";
import { ensureAptLists, fetchDebs, renameUnlessDone, resolveImageDebs } from "./image-debian";
import { PRUNED_PATHS, assembleRoot } from "./image-root";
import { BuiltImage, imageCacheDir, readBuilt, splitRef, writeLayout } from "./oci-layout";
import { checkRegistry, registryDigest } from "./host-registry";
import { telemetryImages } from "./telemetry-images";

export { registryTool, splitRef };
export { renderHostRegistryConfig, HOST_REGISTRY_ROOT } from "./host-registry";
export type { HostRegistryOptions } from "./host-registry";
export { renderOciConfig, renderOciIndex, renderOciManifest } from "./oci-layout";
export type { Descriptor } from "./oci-layout";
export { parseAptSimulation, renderAptConfig, renderAptSources, DEBIAN_SUITE } from "./image-debian";
export { PRUNED_PATHS } from "./image-root";

// --- What each image is ---

/** Fields of an OCI image config's `config` object that these images set (upstream's names). */
export interface ImageConfig {
    /** Entrypoint. @default none */
    Entrypoint?: string[];
    /** Default arguments (or command, without an entrypoint). @default none */
    Cmd?: string[];
    /** Environment, `NAME=value`. */
    Env: string[];
    /** User, `uid:gid`. @default root */
    User?: string;
    /** Working directory. @default "/" */
    WorkingDir?: string;
    /** Ports the image documents, e.g. `53/udp`. @default none */
    ExposedPorts?: Record<string, Record<string, never>>;
}

/** One thing the image's root gets beside its Debian packages, applied in order. */
export type RootEntry =
    /**
     * A Go tool's binary (`binary`: another program of the same build, one of its `morePkgs`; default
     * the tool's own); `capabilities` are file capabilities in setcap(8) form.
     */
    | { kind: "binary"; path: string; tool: GoTool; binary?: string; capabilities?: string }
    /** A text file of ours. */
    | { kind: "file"; path: string; content: string; mode: number }
    /** A folder, with its mode and owner. */
    | { kind: "dir"; path: string; mode: number; uid?: number; gid?: number }
    /** A symbolic link (what a package's maintainer script would make, e.g. an alternative). */
    | { kind: "symlink"; path: string; target: string }
    /** The PEM bundle of a CA-certificates package (what its update-ca-certificates would write). */
    | { kind: "ca-bundle"; path: string; debPackage: string };

/** How one image of the local cluster is built. */
export interface LocalImage {
    /** Full reference, as versions.ts and the platform's manifests name it. */
    ref: string;
    /** One line on what the image is and how it differs from upstream's. */
    description: string;
    /**
     * Debian packages extracted into the root with their dependency closure (no maintainer scripts
     * run: what they would do is spelled out as entries). Roots with packages get merged-/usr links.
     * @default none
     */
    debPackages?: string[];
    /**
     * Debian package whose upstream version the tag must equal (the build stops, naming the line of
     * versions.ts to change, when the suite moves on). @default none
     */
    tagIsVersionOf?: string;
    /** Variant after the version in the tag (`4.0.5-management`), checked with `tagIsVersionOf`. @default none */
    tagVariant?: string;
    /** Link every busybox applet (from the busybox-static package) that no package file shadows. @default false */
    busyboxApplets?: boolean;
    /** Binaries, files, folders and links, applied after the packages. */
    entries: RootEntry[];
    /** The image config. */
    config: ImageConfig;
}

/** PATH of upstream's images (Docker's default). */
export const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** uid/gid of distroless's `nonroot` user, which CoreDNS's image runs as. */
export const NONROOT_ID = 65532;

/** The commands iptables' maintainer script points at the nf_tables variants (update-alternatives). */
const IPTABLES_ALTERNATIVES = ["iptables", "iptables-save", "iptables-restore", "ip6tables", "ip6tables-save", "ip6tables-restore"];

/** /etc/passwd and /etc/group of an image: root, the given extra users, nobody. */
export function renderAccounts(users: { name: string; id: number; home: string }[]): { passwd: string; group: string } {
    const all = [{ name: "root", id: 0, home: "/root" }, ...users, { name: "nobody", id: 65534, home: "/nonexistent" }];
    const shell = (id: number) => (id === 0 ? "/bin/sh" : "/sbin/nologin");
    return {
        passwd: all.map((u) => `${u.name}:x:${u.id}:${u.id}:${u.name}:${u.home}:${shell(u.id)}\n`).join(""),
        group: all.map((u) => `${u.name === "nobody" ? "nogroup" : u.name}:x:${u.id}:\n`).join(""),
    };
}

/** The images of the local cluster, in build order (cheapest first). */
export function localImages(): LocalImage[] {
    const busyboxAccounts = renderAccounts([{ name: "www-data", id: 33, home: "/var/www" }]);
    const corednsAccounts = renderAccounts([{ name: "nonroot", id: NONROOT_ID, home: "/home/nonroot" }]);
    return [
        {
            ref: PAUSE_IMAGE,
            description: "pod sandbox: our own Go pause (tools/go/pause) in place of upstream's C one; same entrypoint and user",
            entries: [{ kind: "binary", path: "/pause", tool: pauseTool() }],
            config: { Entrypoint: ["/pause"], Env: [DEFAULT_PATH], User: "65535:65535", WorkingDir: "/" },
        },
        {
            ref: BUSYBOX_IMAGE,
            description: "busybox for the example apps: Debian's busybox-static with its applets linked, like the official image",
            debPackages: ["busybox-static"],
            tagIsVersionOf: "busybox-static",
            busyboxApplets: true,
            entries: [
                { kind: "file", path: "/etc/passwd", content: busyboxAccounts.passwd, mode: 0o644 },
                { kind: "file", path: "/etc/group", content: busyboxAccounts.group, mode: 0o644 },
                { kind: "dir", path: "/root", mode: 0o700 },
                { kind: "dir", path: "/home", mode: 0o755 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "dir", path: "/var/www", mode: 0o755, uid: 33, gid: 33 },
            ],
            config: { Cmd: ["sh"], Env: [DEFAULT_PATH] },
        },
        {
            ref: FLANNEL_CNI_PLUGIN_IMAGE,
            description: "the flannel CNI plugin at /flannel, with busybox for the `cp` the install init container runs (upstream: alpine)",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [{ kind: "binary", path: "/flannel", tool: flannelCniPluginTool() }],
            config: { Cmd: ["/bin/sh"], Env: [DEFAULT_PATH] },
        },
        {
            ref: FLANNEL_IMAGE,
            description:
                "flanneld at /opt/bin/flanneld with Debian's iptables (nf_tables backend) and busybox; upstream's alpine image also " +
                "carries iproute2, nftables, strongswan and wireguard-tools, which the vxlan and host-gw backends do not use",
            debPackages: ["iptables", "netbase", "busybox-static"],
            busyboxApplets: true,
            entries: [
                ...IPTABLES_ALTERNATIVES.map((cmd): RootEntry => ({
                    kind: "symlink",
                    path: `/usr/sbin/${cmd}`,
                    target: cmd.replace(/^(ip6?tables)/, "$1-nft"),
                })),
                { kind: "dir", path: "/run", mode: 0o755 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "binary", path: "/opt/bin/flanneld", tool: flannelTool() },
            ],
            config: { Entrypoint: ["/opt/bin/flanneld"], Env: [DEFAULT_PATH] },
        },
        {
            ref: COREDNS_IMAGE,
            description: "CoreDNS on a distroless-like root (CA bundle, nonroot user), /coredns with cap_net_bind_service as upstream",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "file", path: "/etc/passwd", content: corednsAccounts.passwd, mode: 0o644 },
                { kind: "file", path: "/etc/group", content: corednsAccounts.group, mode: 0o644 },
                { kind: "dir", path: "/home/nonroot", mode: 0o700, uid: NONROOT_ID, gid: NONROOT_ID },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "binary", path: "/coredns", tool: corednsTool(), capabilities: "cap_net_bind_service=+ep" },
            ],
            config: {
                Entrypoint: ["/coredns"],
                Env: [DEFAULT_PATH, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
                User: `${NONROOT_ID}:${NONROOT_ID}`,
                WorkingDir: "/",
                ExposedPorts: { "53/tcp": {}, "53/udp": {} },
            },
        },
        {
            ref: KUBE_NETWORK_POLICIES_IMAGE,
            description:
                "the NetworkPolicy agent at /bin/netpol on a distroless-like root, as upstream; built with the NFQUEUE-target " +
                "change of tools/go/kube-network-policies (this kernel has no nft queue expression)",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "binary", path: "/bin/netpol", tool: netpolTools()[0] },
            ],
            config: { Entrypoint: ["/bin/netpol"], Env: [DEFAULT_PATH] },
        },
        {
            ref: REGISTRY_IMAGE,
            description: "the distribution registry at /bin/registry with busybox (the GC job runs a shell script), entrypoint as upstream's",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [
                { kind: "binary", path: "/bin/registry", tool: registryTool() },
                { kind: "file", path: "/entrypoint.sh", content: REGISTRY_ENTRYPOINT, mode: 0o755 },
                { kind: "dir", path: "/var/lib/registry", mode: 0o755 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
            ],
            config: { Entrypoint: ["/entrypoint.sh"], Cmd: ["/etc/distribution/config.yml"], Env: [DEFAULT_PATH], ExposedPorts: { "5000/tcp": {} } },
        },
        {
            ref: KUBECTL_IMAGE,
            description: "kubectl at /bin/kubectl, the one the control plane's build makes; no shell, as upstream's (go-runner on distroless)",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "binary", path: "/bin/kubectl", tool: controlPlaneTools()[0], binary: "kubectl" },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
            ],
            config: { Entrypoint: ["/bin/kubectl"], Env: [DEFAULT_PATH] },
        },
        {
            ref: METRICS_SERVER_IMAGE,
            description: "metrics-server at /metrics-server on a distroless-like root, user 65534, as upstream's",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "binary", path: "/metrics-server", tool: metricsServerTool() },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
            ],
            config: { Entrypoint: ["/metrics-server"], Env: [DEFAULT_PATH], User: "65534" },
        },
        etcdImage(DEFAULT_PATH),
        ...serviceImages(),
        ...consoleImages(DEFAULT_PATH),
        ...metricsImages(),
        traefikImage(),
        ...codeCenterImages(),
        ...telemetryImages(DEFAULT_PATH),
    ];
}

/** The registry image's entrypoint: a config file argument means `registry serve <file>`, as in upstream's image. */
export const REGISTRY_ENTRYPOINT = [
    "#!/bin/sh",
    "set -e",
    "case \"$1\" in",
    "    *.yaml|*.yml) set -- registry serve \"$@\" ;;",
    "    serve|garbage-collect|help|-*) set -- registry \"$@\" ;;",
    "esac",
    "exec \"$@\"",
    "",
].join("\n");


/** Where an image sits in the host registry: its full reference under the registry, source host kept. */
export function registryRef(registry: string, ref: string): string {
    return `${registry}/${ref}`;
}

/** The upstream version in a Debian version: `1:1.37.0-6+b9` → `1.37.0`, `8.1.1+dfsg1-3` → `8.1.1` (repacked source). */
export function upstreamVersion(debVersion: string): string {
    return debVersion.replace(/^\d+:/, "").replace(/-[^-]*$/, "").replace(/[+~](ds|dfsg)\d*$/, "");
}

// --- Cache keys ---

/** A Debian package at a version. */
export interface DebPackage {
    name: string;
    version: string;
}

/** Everything an image's bytes depend on. */
export interface ImageKeyInputs {
    /** The recipe, with each tool replaced by what identifies its binary. */
    image: LocalImage;
    /** Identity of each tool binary, by tool id: cache path (version and wrapper hash) and content hash. */
    binaries: Record<string, { version: string; cachedAs: string; sha256: string }>;
    /** Every Debian package the root gets, at the resolved versions. */
    debs: DebPackage[];
}

/** Bump when the way roots, layers or configs are written changes (it is in every cache key). */
export const IMAGE_FORMAT = 1;

/** Checks an image's tag against the package it carries; returns the problem, naming what to change. */
export function checkTagVersion(image: LocalImage, debs: DebPackage[]): string | undefined {
    if (!image.tagIsVersionOf) {
        return undefined;
    }
    const deb = debs.find((d) => d.name === image.tagIsVersionOf);
    const upstream = deb ? upstreamVersion(deb.version) : undefined;
    const version = upstream && image.tagVariant ? `${upstream}-${image.tagVariant}` : upstream;
    if (version !== splitRef(image.ref).tag) {
        return `${image.ref} carries ${image.tagIsVersionOf} ${deb?.version ?? "(missing)"}: set its tag in components/versions.ts to ${version ?? "a packaged version"}`;
    }
    return undefined;
}

/** Short hash of all an image's inputs: a changed tool, package version, file or config gives a new key. */
export function imageCacheKey(inputs: ImageKeyInputs): string {
    const image = {
        ...inputs.image,
        entries: inputs.image.entries.map((e) => (e.kind === "binary" ? { ...e, tool: e.tool.id } : e)),
    };
    const binaries = Object.keys(inputs.binaries).sort().map((id) => [id, inputs.binaries[id]]);
    const debs = [...inputs.debs].sort((a, b) => a.name.localeCompare(b.name)).map((d) => `${d.name}=${d.version}`);
    const h = crypto.createHash("sha256");
    h.update(JSON.stringify({ format: IMAGE_FORMAT, image, binaries, debs, prune: PRUNED_PATHS }));
    return h.digest("hex").slice(0, 16);
}

// --- Building and pushing ---

/** Host packages the builds need: a C toolchain for flanneld's cgo part, setcap for CoreDNS. */
export const IMAGE_HOST_APT_PACKAGES = ["gcc", "libc6-dev", "libcap2-bin"];

/** Builds a tool only when its binary is missing, so a warm run prints nothing for it. */
async function toolBinary(tool: GoTool, tag: string): Promise<string> {
    const bin = cachedBinary(tool);
    return fs.existsSync(bin) ? bin : ensureGoTool(tool, tag);
}

function fileSha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * Builds one image into the cache unless its layout for these inputs is there (the package lists must
 * be present: ensureLocalImages fetches them); `builtIn` is set when it was built now.
 */
export async function buildLocalImage(image: LocalImage, tag = "images"): Promise<BuiltImage & { builtIn?: number }> {
    const binaries = new Map<string, string>();
    const ids: ImageKeyInputs["binaries"] = {};
    for (const e of image.entries) {
        if (e.kind === "binary") {
            const built = await toolBinary(e.tool, tag);
            const bin = e.binary ? path.join(path.dirname(built), e.binary) : built;
            binaries.set(e.path, bin);
            ids[e.binary ? `${e.tool.id}/${e.binary}` : e.tool.id] = { version: e.tool.version, cachedAs: path.relative(CACHE, bin), sha256: fileSha256(bin) };
        }
    }
    const debs = resolveImageDebs(image);
    const problem = checkTagVersion(image, debs);
    if (problem) {
        throw new Error(problem);
    }
    const key = imageCacheKey({ image, binaries: ids, debs });
    const layout = path.join(imageCacheDir(image.ref), key);
    const cached = readBuilt(layout);
    if (cached) {
        return cached;
    }
    const start = Date.now();
    say(tag, `${image.ref}: building (key ${key})`);
    const debFiles = await fetchDebs(debs, tag);
    const work = `${layout}.tmp-${process.pid}`;
    fs.rmSync(work, { recursive: true, force: true });
    try {
        assembleRoot(image, path.join(work, "root"), debFiles, binaries);
        await writeLayout(image, path.join(work, "root"), path.join(work, "layout"));
        // Rename last so an interrupted build never leaves a half-written layout in the cache.
        renameUnlessDone(path.join(work, "layout"), layout);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    return { ...(readBuilt(layout) as BuiltImage), builtIn: Date.now() - start };
}

/**
 * Builds every local image missing from the cache and pushes each to the plain-HTTP registry at
 * `registry` (`host:port`) as `${registry}/${ref}`, unless the registry already holds that digest.
 * Prints one line per image.
 */
export async function ensureLocalImages(registry: string, tag = "images"): Promise<void> {
    await ensureDebPackages(IMAGE_HOST_APT_PACKAGES, tag);
    await checkRegistry(registry);
    await ensureAptLists(tag);
    const crane = await toolBinary(craneTool(), tag);
    for (const image of localImages()) {
        const built = await buildLocalImage(image, tag);
        const target = registryRef(registry, image.ref);
        const mb = `${(built.size / 1e6).toFixed(1)} MB`;
        const what = built.builtIn === undefined ? "cached" : `built in ${elapsed(built.builtIn)}`;
        if ((await registryDigest(registry, image.ref)) === built.digest) {
            say(tag, `${image.ref}: ${what} (${mb}, ${built.digest.slice(0, 19)}), already in ${registry}`);
            continue;
        }
        await runLogged(crane, ["push", "--insecure", built.layout, target], { logFile: "images.log", tag, label: `crane push ${image.ref}` });
        const pushed = await registryDigest(registry, image.ref);
        if (pushed !== built.digest) {
            throw new Error(`pushed ${target} but the registry reports ${pushed ?? "no manifest"}, not ${built.digest}`);
        }
        say(tag, `${image.ref}: ${what} (${mb}, ${built.digest.slice(0, 19)}), pushed to ${target}`);
    }
}
