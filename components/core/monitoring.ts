/**
 * The contract between apps, tenant namespaces and Platform Support's Prometheus: where an app
 * serves metrics, and who may scrape it. One place, so the app's port name, the tenant's
 * NetworkPolicy and Prometheus's labels cannot drift apart.
 */
import { selectorLabels } from "./labels";

/** Name of the container port an app serves Prometheus metrics on; tenant NetworkPolicies open exactly this port to Prometheus. */
export const APP_METRICS_PORT_NAME = "metrics";

/** Labels of Platform Support's namespace (the monitoring namespace), which tenant NetworkPolicies select. */
export const MONITORING_NAMESPACE_LABELS: Record<string, string> = { "containercloud.io/role": "monitoring" };

/** Labels of Prometheus's pods, which tenant NetworkPolicies select within the monitoring namespace. */
export const PROMETHEUS_POD_LABELS: Record<string, string> = selectorLabels("prometheus", "platform-support");

/** Labels of the OpenTelemetry collector's pods, which tenant NetworkPolicies let apps reach. */
export const OTEL_COLLECTOR_POD_LABELS: Record<string, string> = selectorLabels("otel-collector", "platform-support");

/** The collector's OTLP ports (gRPC, HTTP): the only ports of the monitoring namespace apps may send to. */
export const OTLP_PORTS = [4317, 4318];
