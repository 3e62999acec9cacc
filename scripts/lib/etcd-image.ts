/**
 * The etcd image of the local cluster (`quay.io/coreos/etcd`, components/versions.ts ETCD_IMAGE):
 * etcd, etcdctl and etcdutl under /usr/local/bin on a distroless-like root, as upstream's image
 * (FROM gcr.io/distroless/static-debian12, CMD /usr/local/bin/etcd, no shell). The server is the very
 * binary the local control plane runs (tools.ts controlPlaneTools, tools/go/etcd); the clients come
 * from tools/go/etcdctl and tools/go/etcdutl at the same release.
 */
import { ETCD_IMAGE } from "../../components/versions";
import type { LocalImage } from "./images";
import { controlPlaneTools, GoTool } from "./tools";

/** etcd release of the image; its tag in versions.ts is this version, as is the control plane's etcd. */
export const ETCD_VERSION = "v3.6.16";

/** The etcd server, as the control plane builds it. */
export function etcdServerTool(): GoTool {
    const tool = controlPlaneTools().find((t) => t.id === "etcd");
    if (!tool || tool.version !== ETCD_VERSION) {
        throw new Error(`the control plane's etcd is ${tool?.version ?? "missing"}, the image's ${ETCD_VERSION}: keep scripts/lib/tools.ts and etcd-image.ts at one release`);
    }
    return tool;
}

/**
 * etcdctl (tools/go/etcdctl). Each client has a wrapper of its own: an image's binaries are looked
 * up by tool id (images.ts), so two binaries of one tool could not both go into the image.
 */
export function etcdctlTool(): GoTool {
    return { id: "etcdctl", version: ETCD_VERSION, binary: "etcdctl", wrapper: "tools/go/etcdctl", pkg: ".", ldflags: ["-s", "-w"] };
}

/** etcdutl (tools/go/etcdutl). */
export function etcdutlTool(): GoTool {
    return { id: "etcdutl", version: ETCD_VERSION, binary: "etcdutl", wrapper: "tools/go/etcdutl", pkg: ".", ldflags: ["-s", "-w"] };
}

/** The image recipe (see the file comment); `DEFAULT_PATH` is images.ts' upstream PATH. */
export function etcdImage(defaultPath: string): LocalImage {
    return {
        ref: ETCD_IMAGE,
        description: "etcd, etcdctl and etcdutl under /usr/local/bin on a distroless-like root (CA bundle, /tmp), CMD etcd, no shell: as upstream's",
        entries: [
            { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
            { kind: "dir", path: "/tmp", mode: 0o1777 },
            { kind: "dir", path: "/var/etcd", mode: 0o755 },
            { kind: "dir", path: "/var/lib/etcd", mode: 0o755 },
            { kind: "binary", path: "/usr/local/bin/etcd", tool: etcdServerTool() },
            { kind: "binary", path: "/usr/local/bin/etcdctl", tool: etcdctlTool() },
            { kind: "binary", path: "/usr/local/bin/etcdutl", tool: etcdutlTool() },
        ],
        config: {
            Cmd: ["/usr/local/bin/etcd"],
            Env: [defaultPath, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
            WorkingDir: "/var/lib/etcd",
            ExposedPorts: { "2379/tcp": {}, "2380/tcp": {} },
        },
    };
}
