/**
 * The Manage System's images for the local cluster: k9s, the Kubernetes console, and ttyd, which
 * serves a terminal to the browser (components/app-engine/manage-system.ts runs k9s inside ttyd).
 *
 * - `docker.io/derailed/k9s`: upstream's image is alpine with /bin/k9s, kubectl and a CA bundle,
 *   ENTRYPOINT /bin/k9s. Ours has k9s built here from tools/go/k9s (release flags: CGO_ENABLED=0,
 *   `-trimpath`, version by `-X`), the control plane's kubectl and busybox in place of alpine's
 *   shell and tools; the Manage System's init container copies /bin/k9s out of it.
 * - `docker.io/tsl0922/ttyd`: upstream's image is Ubuntu with ttyd and tini (ENTRYPOINT tini, CMD
 *   `ttyd -W bash`). Ours is Debian's ttyd and tini, with busybox for the shell. Debian trixie no
 *   longer carries ttyd, so its package comes from unstable (`ttyd/unstable`, image-debian.ts pins
 *   unstable below trixie); every library it links comes from trixie.
 */
import { K9S_IMAGE, TTYD_IMAGE } from "../../components/versions";
import type { ImageConfig, LocalImage } from "./images";
import { controlPlaneTools, GoTool } from "./tools";

/** k9s release of the k9s image (its tag in versions.ts is this version). */
export const K9S_VERSION = "v0.51.0";

/** k9s, from its module root (its main package). */
export function k9sTool(): GoTool {
    return {
        id: "k9s",
        version: K9S_VERSION,
        binary: "k9s",
        wrapper: "tools/go/k9s",
        pkg: "github.com/derailed/k9s",
        ldflags: ["-s", "-w", `-X github.com/derailed/k9s/cmd.version=${K9S_VERSION}`],
    };
}

/** The recipes (see the file comment); `defaultPath` is images.ts' upstream PATH. */
export function consoleImages(defaultPath: string): LocalImage[] {
    const kubectl = controlPlaneTools()[0];
    const ttydConfig: ImageConfig = {
        Entrypoint: ["/usr/bin/tini", "--"],
        Cmd: ["ttyd", "-W", "sh"],
        Env: [defaultPath],
        WorkingDir: "/root",
        ExposedPorts: { "7681/tcp": {} },
    };
    return [
        {
            ref: K9S_IMAGE,
            description: "k9s at /bin/k9s with kubectl, a CA bundle and busybox (upstream: alpine), ENTRYPOINT /bin/k9s as upstream's",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "binary", path: "/bin/k9s", tool: k9sTool() },
                { kind: "binary", path: "/usr/local/bin/kubectl", tool: kubectl, binary: "kubectl" },
                { kind: "dir", path: "/root", mode: 0o700 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
            ],
            config: { Entrypoint: ["/bin/k9s"], Env: [defaultPath] },
        },
        {
            ref: TTYD_IMAGE,
            description: "Debian's ttyd (from unstable: trixie has none) and tini, busybox for the shell (upstream: Ubuntu, bash); ENTRYPOINT tini as upstream's",
            debPackages: ["ttyd/unstable", "tini", "busybox-static"],
            tagIsVersionOf: "ttyd",
            busyboxApplets: true,
            entries: [
                { kind: "dir", path: "/root", mode: 0o700 },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
            ],
            config: ttydConfig,
        },
    ];
}
