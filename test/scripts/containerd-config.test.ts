import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "smol-toml";
import {
    ContainerdConfigOptions, MAX_SHIM_SOCKET_DIR, registryHostsPath, renderContainerdConfig, renderRegistryHosts,
} from "../../scripts/lib/containerd-config";

const opts: ContainerdConfigOptions = {
    root: "/srv/node-1/containerd",
    state: "/run/cc/node-1",
    address: "/run/cc/node-1/containerd.sock",
    sandboxImage: "10.210.0.1:5000/docker.io/library/pause:1",
    registryConfigDir: "/srv/node-1/certs.d",
    shimPath: "/cache/containerd/containerd-shim-runc-v2",
    runcPath: "/cache/runc/runc",
    cniBinDir: "/cache/cni-plugins",
    cniConfDir: "/srv/node-1/net.d",
};

type Table = Record<string, any>;
/** Parses TOML into plain objects (smol-toml's tables have no prototype, which deepEqual tells apart). */
const toml = (text: string): Table => JSON.parse(JSON.stringify(parse(text)));
const render = (o: Partial<ContainerdConfigOptions> = {}): Table => toml(renderContainerdConfig({ ...opts, ...o }));
const plugin = (c: Table, id: string): Table => c.plugins[`io.containerd.${id}`];
const runc = (c: Table): Table => plugin(c, "cri.v1.runtime").containerd.runtimes.runc;

/** Every string value in a parsed TOML document. */
function strings(v: unknown): string[] {
    if (typeof v === "string") {
        return [v];
    }
    if (Array.isArray(v)) {
        return v.flatMap(strings);
    }
    return v !== null && typeof v === "object" ? Object.values(v).flatMap(strings) : [];
}

describe("renderContainerdConfig", () => {
    it("writes containerd 2.4's config format with the node's root and state", () => {
        const c = render();
        assert.equal(c.version, 4);
        assert.equal(c.root, "/srv/node-1/containerd");
        assert.equal(c.state, "/run/cc/node-1");
    });

    it("emits top-level keys and plugins in a stable order", () => {
        const c = render();
        assert.deepEqual(Object.keys(c), ["version", "root", "state", "debug", "plugins"]);
        assert.deepEqual(Object.keys(c.plugins), [
            "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime", "io.containerd.grpc.v1.cri",
            "io.containerd.image-verifier.v1.bindir", "io.containerd.internal.v1.opt", "io.containerd.nri.v1.nri",
            "io.containerd.server.v1.grpc", "io.containerd.server.v1.ttrpc", "io.containerd.shim.v1.manager",
        ]);
    });

    it("restricts oom_score_adj, since no process here holds CAP_SYS_RESOURCE", () => {
        assert.equal(plugin(render(), "cri.v1.runtime").restrict_oom_score_adj, true);
    });

    it("disables AppArmor and SELinux", () => {
        const rt = plugin(render(), "cri.v1.runtime");
        assert.equal(rt.disable_apparmor, true);
        assert.equal(rt.enable_selinux, false);
    });

    it("uses the overlayfs snapshotter", () => {
        assert.equal(plugin(render(), "cri.v1.images").snapshotter, "overlayfs");
    });

    it("runs runc through the v2 shim with the cgroupfs driver", () => {
        const c = render();
        assert.equal(plugin(c, "cri.v1.runtime").containerd.default_runtime_name, "runc");
        assert.equal(runc(c).runtime_type, "io.containerd.runc.v2");
        assert.equal(runc(c).runtime_path, "/cache/containerd/containerd-shim-runc-v2");
        assert.deepEqual(runc(c).options, { BinaryName: "/cache/runc/runc", Root: "/run/cc/node-1/runc", SystemdCgroup: false });
    });

    it("pins the sandbox image and reads registry hosts from config_path", () => {
        const images = plugin(render(), "cri.v1.images");
        assert.deepEqual(images.pinned_images, { sandbox: "10.210.0.1:5000/docker.io/library/pause:1" });
        assert.deepEqual(images.registry, { config_path: "/srv/node-1/certs.d" });
    });

    it("takes CNI plugins and network configs from the given folders", () => {
        assert.deepEqual(plugin(render(), "cri.v1.runtime").cni, { bin_dirs: ["/cache/cni-plugins"], conf_dir: "/srv/node-1/net.d", max_conf_num: 1 });
    });

    it("derives the ttrpc, shim socket and runc paths from the grpc address and state dir", () => {
        const c = render();
        assert.deepEqual(plugin(c, "server.v1.grpc"), { address: "/run/cc/node-1/containerd.sock" });
        assert.deepEqual(plugin(c, "server.v1.ttrpc"), { address: "/run/cc/node-1/containerd.sock.ttrpc" });
        assert.deepEqual(plugin(c, "shim.v1.manager"), { socket_dir: "/run/cc/node-1/s" });
    });

    it("takes explicit ttrpc, shim socket and runc root paths", () => {
        const c = render({ ttrpcAddress: "/run/cc/t.sock", shimSocketDir: "/run/cc/s1", runcRoot: "/run/cc/runc1" });
        assert.equal(plugin(c, "server.v1.ttrpc").address, "/run/cc/t.sock");
        assert.equal(plugin(c, "shim.v1.manager").socket_dir, "/run/cc/s1");
        assert.equal(runc(c).options.Root, "/run/cc/runc1");
    });

    it("keeps every path off the host's containerd, CNI, NRI and CDI defaults", () => {
        const c = render();
        const hostPaths = strings(c).filter((s) => /^\/(run\/containerd|var\/lib\/containerd|var\/run|opt|etc)\b/.test(s));
        assert.deepEqual(hostPaths, []);
        assert.equal(plugin(c, "nri.v1.nri").disable, true);
        assert.deepEqual(plugin(c, "cri.v1.runtime").cdi_spec_dirs, ["/run/cc/node-1/cdi"]);
        assert.equal(plugin(c, "internal.v1.opt").path, "/srv/node-1/containerd/opt");
    });

    it("mounts pod netns under the state dir unless told otherwise", () => {
        assert.equal(plugin(render(), "cri.v1.runtime").netns_mounts_under_state_dir, true);
        assert.equal(plugin(render({ netnsMountsUnderStateDir: false }), "cri.v1.runtime").netns_mounts_under_state_dir, false);
    });

    it("serves CRI streaming on loopback with a free port by default", () => {
        assert.deepEqual(plugin(render(), "grpc.v1.cri"), { disable_tcp_service: true, stream_server_address: "127.0.0.1", stream_server_port: "0" });
        assert.equal(plugin(render({ streamServerAddress: "10.210.0.2", streamServerPort: "10010" }), "grpc.v1.cri").stream_server_port, "10010");
    });

    it("logs at info unless told otherwise", () => {
        assert.deepEqual(render().debug, { level: "info" });
        assert.deepEqual(render({ logLevel: "debug" }).debug, { level: "debug" });
    });

    it("rejects a relative path and names the field", () => {
        assert.throws(() => renderContainerdConfig({ ...opts, cniBinDir: "cni/bin" }), {
            message: 'containerd config: cniBinDir must be an absolute path (got "cni/bin")',
        });
    });

    it("rejects a shim socket folder longer than containerd accepts and says what to set", () => {
        const state = `/run/${"x".repeat(MAX_SHIM_SOCKET_DIR)}`;
        assert.throws(() => renderContainerdConfig({ ...opts, state }), {
            message: `containerd config: shimSocketDir "${state}/s" is ${state.length + 2} characters, over containerd's 42: set shimSocketDir (or a shorter state path)`,
        });
    });

    it("rejects a grpc address longer than a unix socket path", () => {
        assert.throws(() => renderContainerdConfig({ ...opts, address: `/run/${"a".repeat(110)}.sock` }), /address is 120 bytes, over the 107 of a unix socket path/);
    });

    it("rejects an empty sandbox image", () => {
        assert.throws(() => renderContainerdConfig({ ...opts, sandboxImage: "" }), { message: "containerd config: sandboxImage must name an image" });
    });
});

describe("renderRegistryHosts", () => {
    it("serves a registry over plain HTTP for pulls and resolves only", () => {
        assert.deepEqual(toml(renderRegistryHosts("10.210.0.1:5000")), { server: "http://10.210.0.1:5000", capabilities: ["pull", "resolve"] });
    });

    it("rejects a registry given with a scheme or path", () => {
        assert.throws(() => renderRegistryHosts("http://10.210.0.1:5000"), {
            message: 'registry hosts: registry must be host[:port] without a scheme or path (got "http://10.210.0.1:5000")',
        });
        assert.throws(() => renderRegistryHosts("10.210.0.1:5000/docker.io"), /without a scheme or path/);
    });

    it("is found under config_path in a folder named after the registry", () => {
        assert.equal(registryHostsPath("/srv/node-1/certs.d", "10.210.0.1:5000"), "/srv/node-1/certs.d/10.210.0.1:5000/hosts.toml");
    });
});
