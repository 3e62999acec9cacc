/**
 * The App Router's image, built here like the other local images (images.ts): Traefik at
 * /usr/local/bin/traefik behind an /entrypoint.sh with upstream's contract, as in the official
 * `traefik` image (Alpine-based upstream; busybox here, for the entrypoint's shell).
 */
import { TRAEFIK_IMAGE } from "../../components/versions";
import { DEFAULT_PATH } from "./images";
import type { LocalImage } from "./images";
import { traefikTool } from "./router-tools";

/**
 * The official image's entrypoint: arguments that start with `-` (the platform passes flags only)
 * or name a Traefik subcommand run `traefik`; anything else runs as a command.
 */
export const TRAEFIK_ENTRYPOINT = [
    "#!/bin/sh",
    "set -e",
    "if [ \"${1#-}\" != \"$1\" ]; then",
    "    set -- traefik \"$@\"",
    "fi",
    "if traefik \"$1\" --help >/dev/null 2>&1; then",
    "    set -- traefik \"$@\"",
    "fi",
    "exec \"$@\"",
    "",
].join("\n");

/** The router image: upstream's paths, entrypoint, command and port; no user, as upstream (the pod sets one). */
export function traefikImage(): LocalImage {
    return {
        ref: TRAEFIK_IMAGE,
        description: "Traefik at /usr/local/bin/traefik with upstream's /entrypoint.sh, on busybox (upstream: alpine); no dashboard assets",
        debPackages: ["busybox-static"],
        busyboxApplets: true,
        entries: [
            { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
            { kind: "binary", path: "/usr/local/bin/traefik", tool: traefikTool() },
            { kind: "file", path: "/entrypoint.sh", content: TRAEFIK_ENTRYPOINT, mode: 0o755 },
            { kind: "dir", path: "/tmp", mode: 0o1777 },
        ],
        config: { Entrypoint: ["/entrypoint.sh"], Cmd: ["traefik"], Env: [DEFAULT_PATH], ExposedPorts: { "80/tcp": {} } },
    };
}
