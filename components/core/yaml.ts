/**
 * YAML text of the configuration files the components render (Loki, Prometheus and its rules,
 * Alertmanager, Grafana provisioning, the OpenTelemetry collector, the registry), written with the
 * `yaml` package.
 *
 * Every string, key or value, is double-quoted: the readers of these files differ in YAML version
 * (Go's yaml.v2, which Prometheus, Alertmanager and the registry use, reads YAML 1.1, where `on`,
 * `no` or `1:30` are not strings; other readers use 1.2, where `0o17` is a number), and a quoted
 * string reads as that string in both. test/core/yaml.test.ts reads the output back in both versions.
 */
import { stringify } from "yaml";

/** What `toYaml` writes: JSON-like data. */
export type YamlData = string | number | boolean | null | YamlData[] | { [key: string]: YamlData | undefined };

/** The YAML text of `data` in block style, two spaces per level, keys in insertion order, strings double-quoted. */
export function toYaml(data: YamlData): string {
    return stringify(data, { version: "1.1", lineWidth: 0, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "QUOTE_DOUBLE" });
}
