/**
 * The telemetry images of the local cluster: the OpenTelemetry collector (Platform Support's OTLP
 * collector and the Log Center's node agent) and VictoriaLogs (the Log Center's store), each built
 * from Go modules here (tools/go/otelcol, tools/go/victoria-logs) and laid out like upstream's image.
 */
import { OTEL_COLLECTOR_IMAGE, VICTORIA_LOGS_IMAGE } from "../../components/versions";
import type { LocalImage } from "./images";
import { GoTool } from "./tools";

/** Contrib release the collector distribution is built at (its core modules are at v0.165.0 / v1.71.0). */
export const OTELCOL_VERSION = "0.165.1";
/** VictoriaLogs release of the log store image. */
export const VICTORIA_LOGS_VERSION = "v1.52.2";

/** uid/gid upstream's collector image runs as. */
const OTELCOL_ID = 10001;

/** The collector: a wrapper main with only the components the platform's configs use. */
export function otelcolTool(): GoTool {
    return {
        id: "otelcol",
        version: OTELCOL_VERSION,
        binary: "otelcol",
        wrapper: "tools/go/otelcol",
        pkg: ".",
        ldflags: ["-s", "-w"],
    };
}

/** VictoriaLogs' server, from its own main package. */
export function victoriaLogsTool(): GoTool {
    return {
        id: "victoria-logs",
        version: VICTORIA_LOGS_VERSION,
        binary: "victoria-logs",
        wrapper: "tools/go/victoria-logs",
        pkg: "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs",
        // The version string upstream's Makefile sets (`victoria-logs-<date>-<tag>`; the date needs a release build).
        ldflags: ["-s", "-w", `-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-${VICTORIA_LOGS_VERSION}`],
    };
}

/** Upstream contrib image's default config: OTLP in, debug out (the platform always passes its own). */
const OTELCOL_DEFAULT_CONFIG = [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      grpc: { endpoint: 0.0.0.0:4317 }",
    "      http: { endpoint: 0.0.0.0:4318 }",
    "exporters:",
    "  debug: {}",
    "service:",
    "  pipelines:",
    "    traces: { receivers: [otlp], exporters: [debug] }",
    "    metrics: { receivers: [otlp], exporters: [debug] }",
    "    logs: { receivers: [otlp], exporters: [debug] }",
    "",
].join("\n");

/** The telemetry images, cheapest first. */
export function telemetryImages(defaultPath: string): LocalImage[] {
    return [
        {
            ref: VICTORIA_LOGS_IMAGE,
            description: "VictoriaLogs at /victoria-logs-prod with a CA bundle, entrypoint and working folder as upstream's (scratch-based) image",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "binary", path: "/victoria-logs-prod", tool: victoriaLogsTool() },
            ],
            config: { Entrypoint: ["/victoria-logs-prod"], Env: [defaultPath], WorkingDir: "/", ExposedPorts: { "9428/tcp": {} } },
        },
        {
            ref: OTEL_COLLECTOR_IMAGE,
            description:
                "the OpenTelemetry collector at /otelcol-contrib, user 10001, entrypoint and default config as upstream's contrib image; " +
                "it carries only the components the platform's configs use (otlp, file_log; batch, memory_limiter; debug, otlp_grpc, " +
                "otlp_http, prometheus; health_check), upstream's image is a superset",
            entries: [
                { kind: "ca-bundle", path: "/etc/ssl/certs/ca-certificates.crt", debPackage: "ca-certificates" },
                { kind: "dir", path: "/tmp", mode: 0o1777 },
                { kind: "file", path: "/etc/otelcol-contrib/config.yaml", content: OTELCOL_DEFAULT_CONFIG, mode: 0o644 },
                { kind: "binary", path: "/otelcol-contrib", tool: otelcolTool() },
            ],
            config: {
                Entrypoint: ["/otelcol-contrib"],
                Cmd: ["--config", "/etc/otelcol-contrib/config.yaml"],
                Env: [defaultPath],
                User: `${OTELCOL_ID}:${OTELCOL_ID}`,
                ExposedPorts: { "4317/tcp": {}, "4318/tcp": {}, "55678/tcp": {}, "55679/tcp": {} },
            },
        },
    ];
}
