/**
 * No workload is deleted and recreated because a ConfigMap or Secret it reads changed.
 *
 * The kubernetes provider replaces a ConfigMap or Secret whose data changes. One with a fixed
 * `metadata.name` is replaced delete-first (two objects cannot share the name), and every resource
 * whose inputs take its Outputs is then replaced delete-first too: a Deployment, StatefulSet or
 * DaemonSet goes down with all its pods at once. So a workload reads a fixed-name object only by
 * its name as text (with `dependsOn` for ordering); config that pods read at start has no fixed
 * name instead (a change creates a new object, and the changed name in the pod template rolls the
 * pods). The life-cycle test shows the rolling on a real control plane.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { recordRegistrations, Recorder, Registration } from "../helpers/mocks";
import { readStackConfig } from "../../scripts/lib/stack-file";

const rec: Recorder = recordRegistrations({ stack: "prod" });
const WORKLOAD = /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:CronJob)$/;
const CONFIG = /^kubernetes:core\/v1:(ConfigMap|Secret)$/;

/** `workload ← object` for every workload input that takes an Output of a fixed-name ConfigMap or Secret. */
function fixedNameReads(regs: Registration[]): string[] {
    const fixed = new Map(regs.filter((r) => CONFIG.test(r.type) && typeof r.inputs.metadata?.name === "string").map((r) => [r.urn, r]));
    const found: string[] = [];
    for (const w of regs.filter((r) => WORKLOAD.test(r.type))) {
        for (const [prop, urns] of Object.entries(w.propertyDependencies)) {
            for (const urn of urns.filter((u) => fixed.has(u))) {
                const o = fixed.get(urn)!;
                found.push(`${w.type.split(":").pop()} ${w.name} (${prop}) ← ${o.type.split(":").pop()} ${o.inputs.metadata.name} (${o.name})`);
            }
        }
    }
    return found.sort();
}

describe("replacement safety", () => {
    before(async () => {
        const config = await import("../../stacks/config");
        const platform = await import("../../stacks/platform");
        const read = readStackConfig(path.join(__dirname, "..", "..", "stacks", "Pulumi.prod.yaml"));
        assert.ok(read.ok, read.ok ? "" : read.error);
        const parsed = config.parsePlatformConfig(read.raw);
        assert.ok(parsed.ok, parsed.ok ? "" : parsed.issues.map(config.formatIssue).join("\n"));
        platform.buildPlatform(parsed.config);

        // A control, so the check is seen to find what it looks for.
        const cm = new k8s.core.v1.ConfigMap("control-cm", { metadata: { name: "control", namespace: "default" }, data: { a: "1" } });
        new k8s.apps.v1.Deployment("control-deploy", {
            metadata: { name: "control", namespace: "default" },
            spec: {
                selector: { matchLabels: { app: "control" } },
                template: {
                    metadata: { labels: { app: "control" } },
                    spec: { containers: [{ name: "c", image: "busybox" }], volumes: [{ name: "cfg", configMap: { name: cm.metadata.name } }] },
                },
            },
        });
        await rec.settle();
    });

    it("finds a workload that takes a fixed-name ConfigMap's name as an Output", () => {
        assert.deepEqual(fixedNameReads(rec.all.filter((r) => r.name.startsWith("control-"))), ["Deployment control-deploy (spec) ← ConfigMap control (control-cm)"]);
    });

    it("prod: no workload takes an Output of a fixed-name ConfigMap or Secret", () => {
        const platform = rec.all.filter((r) => !r.name.startsWith("control-"));
        assert.ok(platform.filter((r) => WORKLOAD.test(r.type)).length >= 20, `the whole platform was built (${platform.filter((r) => WORKLOAD.test(r.type)).map((r) => r.name).join(", ")})`);
        assert.deepEqual(fixedNameReads(platform), []);
    });

    it("prod: config the platform's own pods read has generated names", () => {
        // What a platform team changes through stack config: each must roll its pods, not replace them.
        const generated = rec.all.filter((r) => CONFIG.test(r.type) && r.inputs.metadata?.name === undefined).map((r) => r.name);
        for (const name of ["platform-etcd-server-tls", "platform-network-cfg", "platform-registry-config", "app-engine-logs-log-agent-config", "app-engine-support-otel-config"]) {
            assert.ok(generated.includes(name), `${name} has a generated name (generated: ${generated.join(", ")})`);
        }
    });
});
