/**
 * Pure renderers for a node's containerd: its config.toml and the hosts.toml of a plain-HTTP
 * registry. Written for the containerd that node-tools.ts builds (2.4.x, whose `containerd config
 * default` emits `version = 4`: server sockets are plugin settings there). Only the settings this
 * machine needs differ from containerd's defaults; every path containerd would otherwise take from
 * the host (/run/containerd, /var/lib/containerd, /opt, /etc/cni, /var/run/nri, /etc/cdi) is set.
 */
import * as path from "path";
import { stringify } from "smol-toml";

/** Config format of containerd 2.4 (2.0–2.3 read version 3, which 2.4 still migrates). */
export const CONTAINERD_CONFIG_VERSION = 4;

/**
 * Longest shim socket folder containerd 2.4 accepts on Linux: a socket path is at most 107 bytes,
 * and the shim's is `<socket_dir>/<64 hex digits>`.
 */
export const MAX_SHIM_SOCKET_DIR = 42;
/** Longest unix socket path (108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/** What `renderContainerdConfig` needs. */
export interface ContainerdConfigOptions {
    /** Persistent data: content store, snapshots, metadata (`root`). */
    root: string;
    /** Transient state: task bundles, CRI state, pod netns when under the state dir (`state`). */
    state: string;
    /** The gRPC socket path, which kubelet and ctr use. */
    address: string;
    /** The ttrpc socket path shims call back on. @default `${address}.ttrpc` */
    ttrpcAddress?: string;
    /**
     * Folder of the shims' sockets; at most 42 characters (containerd's default is
     * /run/containerd/s, shared by every containerd on the host).
     * @default `${state}/s`
     */
    shimSocketDir?: string;
    /** The pod sandbox (pause) image, fully named, e.g. `10.210.0.1:5000/docker.io/library/pause:1`. */
    sandboxImage: string;
    /**
     * Folder of per-registry `hosts.toml` files (the CRI's `config_path`). ctr does not read it
     * (its pulls take `--hosts-dir`; the transfer service's own `config_path` is unused in 2.4).
     */
    registryConfigDir: string;
    /**
     * The runc shim (containerd-shim-runc-v2). Named outright: containerd would otherwise take the
     * first on PATH (a Debian containerd's, where one is installed) before the one beside itself.
     */
    shimPath: string;
    /** The runc binary. */
    runcPath: string;
    /**
     * runc's state root (runc's and the shim's default is /run/containerd/runc).
     * @default `${state}/runc`
     */
    runcRoot?: string;
    /** Folder of the CNI plugin binaries. */
    cniBinDir: string;
    /** Folder of the CNI network configs. */
    cniConfDir: string;
    /**
     * Keep pod network namespaces under the state dir instead of /run/netns, so they neither
     * meet the host's named netns nor hide behind a later `ip netns add`.
     * @default true
     */
    netnsMountsUnderStateDir?: boolean;
    /** Address the CRI streaming server (exec, attach, port-forward) listens on. @default "127.0.0.1" */
    streamServerAddress?: string;
    /** Port of the CRI streaming server; "0" picks a free one. @default "0" */
    streamServerPort?: string;
    /** containerd's log level. @default "info" */
    logLevel?: "trace" | "debug" | "info" | "warn" | "error";
}

function requireAbsolute(field: string, value: string): void {
    if (!path.isAbsolute(value)) {
        throw new Error(`containerd config: ${field} must be an absolute path (got "${value}")`);
    }
}

function requireSocketPath(field: string, value: string): void {
    requireAbsolute(field, value);
    if (Buffer.byteLength(value) > MAX_SOCKET_PATH) {
        throw new Error(`containerd config: ${field} is ${Buffer.byteLength(value)} bytes, over the ${MAX_SOCKET_PATH} of a unix socket path: shorten it`);
    }
}

/**
 * A node's containerd config.toml (format version 4), keys in a stable order. Sets what this host
 * needs: `restrict_oom_score_adj` (no process here holds CAP_SYS_RESOURCE, so runc cannot set the
 * negative oom_score_adj the CRI asks for), AppArmor off (not in the kernel), SELinux off, the
 * overlayfs snapshotter, and runc through `io.containerd.runc.v2` with cgroupfs (`SystemdCgroup =
 * false`: cgroup v1 and no systemd).
 */
export function renderContainerdConfig(o: ContainerdConfigOptions): string {
    const ttrpcAddress = o.ttrpcAddress ?? `${o.address}.ttrpc`;
    const shimSocketDir = o.shimSocketDir ?? path.join(o.state, "s");
    const runcRoot = o.runcRoot ?? path.join(o.state, "runc");
    for (const [field, value] of Object.entries({
        root: o.root, state: o.state, registryConfigDir: o.registryConfigDir, shimPath: o.shimPath, runcPath: o.runcPath,
        runcRoot, cniBinDir: o.cniBinDir, cniConfDir: o.cniConfDir, shimSocketDir,
    })) {
        requireAbsolute(field, value);
    }
    requireSocketPath("address", o.address);
    requireSocketPath("ttrpcAddress", ttrpcAddress);
    if (shimSocketDir.length > MAX_SHIM_SOCKET_DIR) {
        throw new Error(
            `containerd config: shimSocketDir "${shimSocketDir}" is ${shimSocketDir.length} characters, over containerd's ${MAX_SHIM_SOCKET_DIR}: set shimSocketDir (or a shorter state path)`,
        );
    }
    if (o.sandboxImage === "") {
        throw new Error("containerd config: sandboxImage must name an image");
    }

    const config = {
        version: CONTAINERD_CONFIG_VERSION,
        root: o.root,
        state: o.state,
        debug: { level: o.logLevel ?? "info" },
        plugins: {
            "io.containerd.cri.v1.images": {
                snapshotter: "overlayfs",
                pinned_images: { sandbox: o.sandboxImage },
                registry: { config_path: o.registryConfigDir },
            },
            "io.containerd.cri.v1.runtime": {
                enable_selinux: false,
                disable_apparmor: true,
                restrict_oom_score_adj: true,
                netns_mounts_under_state_dir: o.netnsMountsUnderStateDir ?? true,
                // default /etc/cdi and /var/run/cdi are the host's device specs
                cdi_spec_dirs: [path.join(o.state, "cdi")],
                containerd: {
                    default_runtime_name: "runc",
                    runtimes: {
                        runc: {
                            runtime_type: "io.containerd.runc.v2",
                            runtime_path: o.shimPath,
                            options: { BinaryName: o.runcPath, Root: runcRoot, SystemdCgroup: false },
                        },
                    },
                },
                cni: { bin_dirs: [o.cniBinDir], conf_dir: o.cniConfDir, max_conf_num: 1 },
            },
            "io.containerd.grpc.v1.cri": {
                disable_tcp_service: true,
                stream_server_address: o.streamServerAddress ?? "127.0.0.1",
                stream_server_port: o.streamServerPort ?? "0",
            },
            "io.containerd.image-verifier.v1.bindir": { bin_dir: path.join(o.root, "image-verifier", "bin") },
            "io.containerd.internal.v1.opt": { path: path.join(o.root, "opt") },
            // NRI's socket is /var/run/nri/nri.sock for every containerd on the host; no NRI plugin runs here.
            "io.containerd.nri.v1.nri": { disable: true },
            "io.containerd.server.v1.grpc": { address: o.address },
            "io.containerd.server.v1.ttrpc": { address: ttrpcAddress },
            "io.containerd.shim.v1.manager": { socket_dir: shimSocketDir },
        },
    };
    return stringify(config) + "\n";
}

/** Where containerd looks for a registry's hosts.toml under `config_path`. */
export function registryHostsPath(registryConfigDir: string, registry: string): string {
    return path.join(registryConfigDir, registry, "hosts.toml");
}

/**
 * hosts.toml of a plain-HTTP registry such as `10.210.0.1:5000`: containerd pulls and resolves
 * `10.210.0.1:5000/docker.io/...` refs over HTTP and never tries HTTPS. Write it to
 * `registryHostsPath(configDir, registry)`.
 */
export function renderRegistryHosts(registry: string): string {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(registry)) {
        throw new Error(`registry hosts: registry must be host[:port] without a scheme or path (got "${registry}")`);
    }
    return stringify({ server: `http://${registry}`, capabilities: ["pull", "resolve"] }) + "\n";
}
