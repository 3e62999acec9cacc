/**
 * The platform's smoke tests: one module per component, each registering a `describe` of real
 * requests against the live local stack that test/e2e/real-nodes.test.ts starts. Add a component's
 * module here, one import and one call.
 */
import { workloadsSmoke } from "./workloads";
import { registrySmoke } from "./registry";
import { metricsServerSmoke } from "./metrics-server";
import { etcdSmoke } from "./etcd";
import { etcdLifeSmoke } from "./etcd-life";
import { servicesSmoke } from "./services";
import { consoleSmoke } from "./console";
import { routerSmoke } from "./router";
import { metricsSmoke } from "./metrics";
import { codeCenterSmoke } from "./code-center";
import { telemetrySmoke } from "./telemetry";
import { admissionSmoke } from "./admission";
import { nodeLossSmoke } from "./node-loss";

/** Registers every component's smoke tests, in this order. */
export function platformSmoke(): void {
    workloadsSmoke();
    registrySmoke();
    metricsServerSmoke();
    etcdSmoke();
    etcdLifeSmoke();
    servicesSmoke();
    consoleSmoke();
    routerSmoke();
    metricsSmoke();
    codeCenterSmoke();
    telemetrySmoke();
    admissionSmoke();
    // last: it stops a node and moves pods
    nodeLossSmoke();
}
