/**
 * The Code Center's images for the local cluster (components/app-engine/code-center.ts), built here
 * like the other local images (images.ts):
 *
 * - `docker.io/gitea/gitea:<v>-rootless`: Gitea at /app/gitea/gitea with upstream's rootless
 *   scripts (docker/rootless of the same release: entrypoint, setup, app.ini template), git, bash,
 *   dumb-init and envsubst from Debian trixie; user git (1000), /var/lib/gitea, as upstream's
 *   Alpine-based image.
 * - `docker.io/moby/buildkit:<v>`: buildkitd and buildctl in /usr/bin with runc as
 *   /usr/bin/buildkit-runc (the nodes' own runc build) and upstream's buildkitd-entrypoint, as
 *   upstream's (non-rootless) image; git, ssh, pigz and xz from Debian trixie.
 */
import { BUILDKIT_IMAGE, GITEA_IMAGE } from "../../components/versions";
import type { LocalImage, RootEntry } from "./images";
import { nodeRuntimeTools } from "./node-tools";
import { buildkitTool, giteaTool } from "./code-center-tools";

/** PATH of upstream's images (Docker's default). */
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** uid/gid of the `git` user of upstream's rootless image. */
export const GITEA_UID = 1000;

const script = (lines: string[]) => [...lines, ""].join("\n");

/** Upstream's docker/rootless/usr/local/bin/docker-entrypoint.sh (v1.27.3). */
export const GITEA_ENTRYPOINT = script([
    "#!/bin/sh",
    "",
    "if [ -x /usr/local/bin/docker-setup.sh ]; then",
    "    /usr/local/bin/docker-setup.sh || { echo 'docker setup failed' ; exit 1; }",
    "fi",
    "",
    "if [ $# -gt 0 ]; then",
    "    exec \"$@\"",
    "else",
    "    exec /usr/local/bin/gitea -c \"${GITEA_APP_INI}\" web",
    "fi",
]);

/**
 * Upstream's docker-setup.sh (v1.27.3): home, custom and temp folders, app.ini from the template on
 * the first start, then every `GITEA__section__KEY` variable applied to it.
 */
export const GITEA_SETUP = script([
    "#!/bin/bash",
    "",
    "# Prepare git folder",
    "mkdir -p \"${HOME}\" && chmod 0700 \"${HOME}\"",
    "if [ ! -w \"${HOME}\" ]; then echo \"${HOME} is not writable\"; exit 1; fi",
    "",
    "# Prepare custom folder",
    "mkdir -p \"${GITEA_CUSTOM}\" && chmod 0700 \"${GITEA_CUSTOM}\"",
    "",
    "# Prepare temp folder",
    "mkdir -p \"${GITEA_TEMP}\" && chmod 0700 \"${GITEA_TEMP}\"",
    "if [ ! -w \"${GITEA_TEMP}\" ]; then echo \"${GITEA_TEMP} is not writable\"; exit 1; fi",
    "",
    "#Prepare config file",
    "if [ ! -f \"${GITEA_APP_INI}\" ]; then",
    "",
    "    #Prepare config file folder",
    "    GITEA_APP_INI_DIR=$(dirname \"${GITEA_APP_INI}\")",
    "    mkdir -p \"${GITEA_APP_INI_DIR}\" && chmod 0700 \"${GITEA_APP_INI_DIR}\"",
    "    if [ ! -w \"${GITEA_APP_INI_DIR}\" ]; then echo \"${GITEA_APP_INI_DIR} is not writable\"; exit 1; fi",
    "",
    "    # Set INSTALL_LOCK to true only if SECRET_KEY is not empty and",
    "    # INSTALL_LOCK is empty",
    "    if [ -n \"$SECRET_KEY\" ] && [ -z \"$INSTALL_LOCK\" ]; then",
    "        INSTALL_LOCK=true",
    "    fi",
    "",
    "    # Substitute the environment variables in the template",
    "    APP_NAME=${APP_NAME:-\"Gitea: Git with a cup of tea\"} \\",
    "    RUN_MODE=${RUN_MODE:-\"prod\"} \\",
    "    RUN_USER=${USER:-\"git\"} \\",
    "    SSH_DOMAIN=${SSH_DOMAIN:-\"localhost\"} \\",
    "    HTTP_PORT=${HTTP_PORT:-\"3000\"} \\",
    "    ROOT_URL=${ROOT_URL:-\"\"} \\",
    "    DISABLE_SSH=${DISABLE_SSH:-\"false\"} \\",
    "    SSH_PORT=${SSH_PORT:-\"2222\"} \\",
    "    SSH_LISTEN_PORT=${SSH_LISTEN_PORT:-} \\",
    "    DB_TYPE=${DB_TYPE:-\"sqlite3\"} \\",
    "    DB_HOST=${DB_HOST:-\"localhost:3306\"} \\",
    "    DB_NAME=${DB_NAME:-\"gitea\"} \\",
    "    DB_USER=${DB_USER:-\"root\"} \\",
    "    DB_PASSWD=${DB_PASSWD:-\"\"} \\",
    "    INSTALL_LOCK=${INSTALL_LOCK:-\"false\"} \\",
    "    DISABLE_REGISTRATION=${DISABLE_REGISTRATION:-\"false\"} \\",
    "    REQUIRE_SIGNIN_VIEW=${REQUIRE_SIGNIN_VIEW:-\"false\"} \\",
    "    SECRET_KEY=${SECRET_KEY:-\"\"} \\",
    "    envsubst < /etc/templates/app.ini > \"${GITEA_APP_INI}\"",
    "fi",
    "",
    "# Replace app.ini settings with env variables in the form GITEA__SECTION_NAME__KEY_NAME",
    "environment-to-ini --config \"${GITEA_APP_INI}\"",
]);

/** Upstream's environment-to-ini: Gitea's own `config edit-ini`. */
export const GITEA_ENVIRONMENT_TO_INI = script([
    "#!/bin/bash",
    "exec /app/gitea/gitea config edit-ini --in-place --apply-env \"$@\"",
]);

/** Upstream's /usr/local/bin/gitea (its four `case` arms merged into one): the binary with the container's app.ini and work folder. */
export const GITEA_WRAPPER = script([
    "#!/bin/bash",
    "",
    "GITEA=\"/app/gitea/gitea\"",
    "WORK_DIR=\"/var/lib/gitea\"",
    "APP_INI=\"/etc/gitea/app.ini\"",
    "",
    "APP_INI_SET=\"\"",
    "for i in \"$@\"; do",
    "\tcase \"$i\" in",
    "\t\"-c\"|\"-c=\"*|\"--config\"|\"--config=\"*)",
    "\t\tAPP_INI_SET=1",
    "\t\t;;",
    "\tesac",
    "done",
    "",
    "if [ -z \"$APP_INI_SET\" ]; then",
    "\tCONF_ARG=(\"-c\" \"${GITEA_APP_INI:-$APP_INI}\")",
    "fi",
    "",
    "GITEA_WORK_DIR=\"${GITEA_WORK_DIR:-$WORK_DIR}\" exec -a \"$0\" \"$GITEA\" \"${CONF_ARG[@]}\" \"$@\"",
]);

/** Upstream's docker/rootless/etc/templates/app.ini (v1.27.3), filled in by docker-setup.sh. */
export const GITEA_APP_INI_TEMPLATE = script([
    "APP_NAME = $APP_NAME",
    "RUN_USER = $RUN_USER",
    "RUN_MODE = $RUN_MODE",
    "",
    "[repository]",
    "ROOT = $GITEA_WORK_DIR/git/repositories",
    "",
    "[repository.local]",
    "LOCAL_COPY_PATH = $GITEA_TEMP/local-repo",
    "",
    "[repository.upload]",
    "TEMP_PATH = $GITEA_TEMP/uploads",
    "",
    "[server]",
    "APP_DATA_PATH = $GITEA_WORK_DIR",
    "SSH_DOMAIN       = $SSH_DOMAIN",
    "HTTP_PORT        = $HTTP_PORT",
    "ROOT_URL         = $ROOT_URL",
    "DISABLE_SSH      = $DISABLE_SSH",
    "; In rootless gitea container only internal ssh server is supported",
    "START_SSH_SERVER = true",
    "SSH_PORT         = $SSH_PORT",
    "SSH_LISTEN_PORT  = $SSH_LISTEN_PORT",
    "BUILTIN_SSH_SERVER_USER = $RUN_USER",
    "LFS_START_SERVER = $LFS_START_SERVER",
    "",
    "[database]",
    "PATH = $GITEA_WORK_DIR/data/gitea.db",
    "DB_TYPE = $DB_TYPE",
    "HOST    = $DB_HOST",
    "NAME    = $DB_NAME",
    "USER    = $DB_USER",
    "PASSWD  = $DB_PASSWD",
    "",
    "[session]",
    "PROVIDER_CONFIG = $GITEA_WORK_DIR/data/sessions",
    "",
    "[picture]",
    "AVATAR_UPLOAD_PATH = $GITEA_WORK_DIR/data/avatars",
    "REPOSITORY_AVATAR_UPLOAD_PATH = $GITEA_WORK_DIR/data/repo-avatars",
    "",
    "[attachment]",
    "PATH = $GITEA_WORK_DIR/data/attachments",
    "",
    "[log]",
    "ROOT_PATH = $GITEA_WORK_DIR/data/log",
    "",
    "[security]",
    "INSTALL_LOCK = $INSTALL_LOCK",
    "SECRET_KEY   = $SECRET_KEY",
    "",
    "[service]",
    "DISABLE_REGISTRATION = $DISABLE_REGISTRATION",
    "REQUIRE_SIGNIN_VIEW  = $REQUIRE_SIGNIN_VIEW",
    "",
    "[lfs]",
    "PATH = $GITEA_WORK_DIR/git/lfs",
]);

/**
 * Upstream's hack/buildkitd-entrypoint (v0.34.2): on cgroup v2, buildkitd in a cgroup namespace of
 * its own; on cgroup v1 (the local nodes), buildkitd as it is.
 */
export const BUILDKITD_ENTRYPOINT = script([
    "#!/bin/sh",
    "set -e",
    "",
    "if [ -e /sys/fs/cgroup/cgroup.controllers ]; then",
    "  if [ \"$(cut -d: -f3 /proc/self/cgroup)\" != \"/\" ]; then",
    "    if /usr/bin/unshare --cgroup --mount /usr/bin/with-cgroupfs-remount true 2>/dev/null; then",
    "      echo creating cgroup namespace >&2",
    "      exec /usr/bin/unshare --cgroup --mount /usr/bin/with-cgroupfs-remount /usr/bin/buildkitd \"$@\"",
    "    fi",
    "    echo skipping cgroup namespace setup, unable to remount /sys/fs/cgroup >&2",
    "  fi",
    "fi",
    "",
    "exec /usr/bin/buildkitd \"$@\"",
]);

/** Upstream's hack/with-cgroupfs-remount: /sys/fs/cgroup remounted in the new cgroup namespace. */
export const WITH_CGROUPFS_REMOUNT = script([
    "#!/bin/sh",
    "set -e",
    "",
    "options=\"$(awk '$2 == \"/sys/fs/cgroup\" { print $4 }' /proc/self/mounts)\"",
    "umount /sys/fs/cgroup",
    "mount -t cgroup2 -o \"$options\" cgroup2 /sys/fs/cgroup",
    "",
    "exec \"$@\"",
]);

/** /etc/passwd and /etc/group of the Gitea image: root, git (1000, home under the data volume), nobody. */
function giteaAccounts(): RootEntry[] {
    const passwd = `root:x:0:0:root:/root:/bin/sh\ngit:x:${GITEA_UID}:${GITEA_UID}:git:/var/lib/gitea/git:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n`;
    const group = `root:x:0:\ngit:x:${GITEA_UID}:\nnogroup:x:65534:\n`;
    return [
        { kind: "file", path: "/etc/passwd", content: passwd, mode: 0o644 },
        { kind: "file", path: "/etc/group", content: group, mode: 0o644 },
    ];
}

/** The git server image: Gitea with upstream's rootless contract (see the file comment). */
export function giteaImage(): LocalImage {
    const bin = (p: string, content: string): RootEntry => ({ kind: "file", path: `/usr/local/bin/${p}`, content, mode: 0o755 });
    return {
        ref: GITEA_IMAGE,
        description:
            "Gitea (bindata, no built web front end: pages unstyled) at /app/gitea/gitea with upstream's rootless scripts; " +
            "Debian's git, bash, dumb-init, envsubst and busybox (upstream: alpine); user git (1000)",
        debPackages: ["git", "bash", "dumb-init", "gettext-base", "busybox-static"],
        busyboxApplets: true,
        entries: [
            { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
            ...giteaAccounts(),
            { kind: "dir", path: "/tmp", mode: 0o1777 },
            { kind: "dir", path: "/root", mode: 0o700 },
            { kind: "dir", path: "/var/lib/gitea", mode: 0o755, uid: GITEA_UID, gid: GITEA_UID },
            { kind: "dir", path: "/etc/gitea", mode: 0o755, uid: GITEA_UID, gid: GITEA_UID },
            { kind: "binary", path: "/app/gitea/gitea", tool: giteaTool() },
            bin("docker-entrypoint.sh", GITEA_ENTRYPOINT),
            bin("docker-setup.sh", GITEA_SETUP),
            bin("environment-to-ini", GITEA_ENVIRONMENT_TO_INI),
            bin("gitea", GITEA_WRAPPER),
            { kind: "file", path: "/etc/templates/app.ini", content: GITEA_APP_INI_TEMPLATE, mode: 0o644 },
        ],
        config: {
            Entrypoint: ["/usr/bin/dumb-init", "--", "/usr/local/bin/docker-entrypoint.sh"],
            Env: [
                `PATH=${BASE_PATH}`, "GITEA_WORK_DIR=/var/lib/gitea", "GITEA_CUSTOM=/var/lib/gitea/custom", "GITEA_TEMP=/tmp/gitea",
                "TMPDIR=/tmp/gitea", "GITEA_APP_INI=/etc/gitea/app.ini", "HOME=/var/lib/gitea/git",
                "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
            ],
            User: `${GITEA_UID}:${GITEA_UID}`,
            WorkingDir: "/var/lib/gitea",
            ExposedPorts: { "2222/tcp": {}, "3000/tcp": {} },
        },
    };
}

/** The image builder: BuildKit as upstream's non-rootless image (see the file comment). */
export function buildkitImage(): LocalImage {
    const runc = nodeRuntimeTools().find((t) => t.id === "runc");
    if (!runc) {
        throw new Error("node-tools.ts has no runc tool: the BuildKit image carries the nodes' runc as buildkit-runc");
    }
    return {
        ref: BUILDKIT_IMAGE,
        description:
            "buildkitd and buildctl with the nodes' runc as buildkit-runc and upstream's buildkitd-entrypoint; Debian's git, " +
            "openssh-client, pigz, xz and busybox (upstream: alpine with fuse3 and iptables, for snapshotters and a CNI network it does not use here)",
        debPackages: ["git", "openssh-client", "pigz", "xz-utils", "busybox-static"],
        busyboxApplets: true,
        entries: [
            { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
            { kind: "dir", path: "/tmp", mode: 0o1777 },
            { kind: "dir", path: "/run", mode: 0o755 },
            { kind: "dir", path: "/root", mode: 0o700 },
            { kind: "dir", path: "/var/lib/buildkit", mode: 0o711 },
            { kind: "dir", path: "/etc/buildkit/cdi", mode: 0o755 },
            { kind: "dir", path: "/etc/cdi", mode: 0o755 },
            { kind: "dir", path: "/var/run/cdi", mode: 0o755 },
            { kind: "binary", path: "/usr/bin/buildkitd", tool: buildkitTool() },
            { kind: "binary", path: "/usr/bin/buildctl", tool: buildkitTool(), binary: "buildctl" },
            { kind: "binary", path: "/usr/bin/buildkit-runc", tool: runc },
            { kind: "file", path: "/usr/bin/buildkitd-entrypoint", content: BUILDKITD_ENTRYPOINT, mode: 0o755 },
            { kind: "file", path: "/usr/bin/with-cgroupfs-remount", content: WITH_CGROUPFS_REMOUNT, mode: 0o755 },
        ],
        config: {
            Entrypoint: ["/usr/bin/buildkitd-entrypoint"],
            Env: [`PATH=${BASE_PATH}`, "BUILDKIT_SETUP_CGROUPV2_ROOT=1", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
        },
    };
}

/** The Code Center's two images, appended to the local cluster's list (scripts/lib/images.ts). */
export function codeCenterImages(): LocalImage[] {
    return [giteaImage(), buildkitImage()];
}
