/**
 * The images of Platform Support's metrics parts, built here like every local image (images.ts):
 * Prometheus and Alertmanager on a busybox root, as upstream's images are (their base is
 * quay.io/prometheus/busybox), with upstream's paths, user, working directory, entrypoint and
 * default arguments.
 *
 * Differences from upstream's images: promtool and amtool are not in them (one image entry per tool
 * build; the platform's manifests never run them, the tests run the host binaries), and neither
 * carries its web UI's built assets (see metrics-tools.ts).
 */
import { ALERTMANAGER_IMAGE, PROMETHEUS_IMAGE } from "../../components/versions";
import type { LocalImage } from "./images";
import { alertmanagerTool, prometheusTool } from "./metrics-tools";

/** PATH of upstream's images (Docker's default); the same as images.ts DEFAULT_PATH. */
const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** uid/gid of `nobody`, the user both upstream images run as. */
const NOBODY = 65534;

const ACCOUNTS = {
    passwd: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
    group: "root:x:0:\nnogroup:x:65534:\n",
};

/** A minimal configuration so the image starts without one mounted (upstream ships an example). */
const DEFAULT_PROMETHEUS_YML = "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: [\"localhost:9090\"]\n";
const DEFAULT_ALERTMANAGER_YML = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

/** Prometheus and Alertmanager images. */
export function metricsImages(): LocalImage[] {
    const common = (): LocalImage["entries"] => [
        { kind: "file", path: "/etc/passwd", content: ACCOUNTS.passwd, mode: 0o644 },
        { kind: "file", path: "/etc/group", content: ACCOUNTS.group, mode: 0o644 },
        { kind: "dir", path: "/tmp", mode: 0o1777 },
    ];
    return [
        {
            ref: PROMETHEUS_IMAGE,
            description: "Prometheus at /bin/prometheus on busybox, as upstream's image (no promtool, no built web UI)",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [
                ...common(),
                { kind: "binary", path: "/bin/prometheus", tool: prometheusTool() },
                { kind: "dir", path: "/etc/prometheus", mode: 0o755, uid: NOBODY, gid: NOBODY },
                { kind: "file", path: "/etc/prometheus/prometheus.yml", content: DEFAULT_PROMETHEUS_YML, mode: 0o644 },
                { kind: "dir", path: "/prometheus", mode: 0o775, uid: NOBODY, gid: NOBODY },
            ],
            config: {
                Entrypoint: ["/bin/prometheus"],
                Cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
                Env: [PATH_ENV],
                User: "nobody",
                WorkingDir: "/prometheus",
                ExposedPorts: { "9090/tcp": {} },
            },
        },
        {
            ref: ALERTMANAGER_IMAGE,
            description: "Alertmanager at /bin/alertmanager on busybox, as upstream's image (no amtool, a placeholder in place of the web UI)",
            debPackages: ["busybox-static"],
            busyboxApplets: true,
            entries: [
                ...common(),
                { kind: "binary", path: "/bin/alertmanager", tool: alertmanagerTool() },
                { kind: "dir", path: "/etc/alertmanager", mode: 0o755, uid: NOBODY, gid: NOBODY },
                { kind: "file", path: "/etc/alertmanager/alertmanager.yml", content: DEFAULT_ALERTMANAGER_YML, mode: 0o644 },
                { kind: "dir", path: "/alertmanager", mode: 0o775, uid: NOBODY, gid: NOBODY },
            ],
            config: {
                Entrypoint: ["/bin/alertmanager"],
                Cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
                Env: [PATH_ENV],
                User: "nobody",
                WorkingDir: "/alertmanager",
                ExposedPorts: { "9093/tcp": {} },
            },
        },
    ];
}
