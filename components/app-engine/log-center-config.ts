/**
 * The configuration of the Log Center, as pure functions: the node agent's collector config (the
 * OpenTelemetry collector's filelog receiver) and VictoriaLogs' command line.
 */
import { toYaml } from "../core/yaml";

/** Port VictoriaLogs serves ingestion, LogsQL queries and its UI on. */
export const VICTORIA_LOGS_PORT = 9428;

/** Path of VictoriaLogs' OTLP/HTTP logs ingestion endpoint. */
export const VICTORIA_LOGS_OTLP_PATH = "/insert/opentelemetry/v1/logs";

/** Port of the collector's health_check extension (agent and Platform Support's collector). */
export const COLLECTOR_HEALTH_PORT = 13133;

/** Options of `renderLogAgentConfig`. */
export interface LogAgentConfigOptions {
    /** OTLP/HTTP logs URL of the store, e.g. `http://victoria-logs.ns.svc:9428/insert/opentelemetry/v1/logs`. */
    logsUrl: string;
    /** Namespace the agent runs in: its own container logs are not shipped (no feedback loop). */
    namespace: string;
}

/**
 * The node agent's collector config: the filelog receiver (`file_log` since v0.16x) tails every container log under
 * /var/log/pods, the `container` operator parses the CRI/Docker line format and sets
 * `k8s.namespace.name`, `k8s.pod.name`, `k8s.container.name` from the file's path (so no API
 * access is needed), and the logs go to the store over OTLP/HTTP.
 *
 * Offsets are not persisted (no storage extension): a restarted agent reads the files from the
 * start again, so lines may be stored twice after a restart, and none is lost.
 */
export function renderLogAgentConfig(o: LogAgentConfigOptions): string {
    return toYaml({
        receivers: {
            file_log: {
                include: ["/var/log/pods/*/*/*.log"],
                exclude: [`/var/log/pods/${o.namespace}_log-agent-*/*/*.log`],
                start_at: "beginning",
                include_file_path: true,
                include_file_name: false,
                operators: [{ type: "container", id: "container-parser" }],
            },
        },
        processors: {
            memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
            batch: {},
        },
        exporters: {
            "otlp_http/logs": { logs_endpoint: o.logsUrl },
        },
        extensions: { health_check: { endpoint: `0.0.0.0:${COLLECTOR_HEALTH_PORT}` } },
        service: {
            extensions: ["health_check"],
            pipelines: {
                logs: { receivers: ["file_log"], processors: ["memory_limiter", "batch"], exporters: ["otlp_http/logs"] },
            },
        },
    });
}

/** Hours in a retention like `7d` or `72h`; throws on anything else. */
export function retentionHours(retention: string): number {
    const m = /^(\d+)(h|d)$/.exec(retention);
    if (!m) {
        throw new Error(`retention "${retention}" must be hours or days, e.g. 72h or 7d`);
    }
    return m[2] === "d" ? parseInt(m[1], 10) * 24 : parseInt(m[1], 10);
}

/**
 * VictoriaLogs' arguments: it has no config file, only flags. Data on the volume at
 * `/victoria-logs-data` (upstream image's working folder), logs older than the retention dropped.
 */
export function victoriaLogsArgs(retention: string): string[] {
    return [
        "-storageDataPath=/victoria-logs-data",
        `-retentionPeriod=${retentionHours(retention)}h`,
        `-httpListenAddr=:${VICTORIA_LOGS_PORT}`,
        "-loggerFormat=json",
    ];
}
