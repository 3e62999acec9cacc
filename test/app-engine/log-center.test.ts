import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { podSpecOf, workloadContainers } from "./helpers";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/log-center");

describe("LogCenter", () => {
    before(async () => {
        mod = await import("../../components/app-engine/log-center");
        new mod.LogCenter("prod-logs", { environment: "prod", blockStorageClass: "ceph-block", bucketStorageClass: "ceph-bucket" });
        new mod.LogCenter("dev-logs", { environment: "dev", namespace: "dev-logging", blockStorageClass: "ceph-block" });
        await rec.settle();
    });

    it("tails /var/log/containers on every node with the kubernetes filter", () => {
        const ds = rec.one("kubernetes:apps/v1:DaemonSet", "prod-logs-fluent-bit");
        const pod = podSpecOf(ds);
        assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
        assert.equal(pod.volumes.find((v: any) => v.name === "varlog").hostPath.path, "/var/log");
        const conf = rec.one("kubernetes:core/v1:ConfigMap", "prod-logs-fluent-bit-config").inputs.data["fluent-bit.conf"];
        assert.match(conf, /Path\s+\/var\/log\/containers\/\*\.log/);
        assert.match(conf, /\[FILTER\]\n\s+Name\s+kubernetes/);
        assert.match(conf, /Host\s+loki\.containercloud-logging\.svc/);
    });

    it("declares its hostPath and root exemptions on the DaemonSet", () => {
        const ds = rec.one("kubernetes:apps/v1:DaemonSet", "prod-logs-fluent-bit");
        const ex = JSON.parse(ds.inputs.metadata.annotations["containercloud.io/policy-exemptions"]);
        assert.deepEqual(ex.map((e: any) => e.rule), ["no-host-path-volumes", "run-as-non-root"]);
        assert.ok(ex.every((e: any) => e.reason.length > 10));
    });

    it("governs the Loki StatefulSet with a headless Service", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "prod-logs-loki");
        const headless = rec.one("kubernetes:core/v1:Service", "prod-logs-loki-headless");
        assert.equal(sts.inputs.spec.serviceName, headless.inputs.metadata.name);
        assert.equal(headless.inputs.spec.clusterIP, "None");
        assert.deepEqual(headless.inputs.spec.selector, sts.inputs.spec.selector.matchLabels);
    });

    it("stores chunks in an ObjectBucketClaim in prod", () => {
        const obc = rec.one("kubernetes:objectbucket.io/v1alpha1:ObjectBucketClaim", "prod-logs-loki-bucket");
        assert.equal(obc.inputs.spec.storageClassName, "ceph-bucket");
        const cfg = parse(rec.one("kubernetes:core/v1:ConfigMap", "prod-logs-loki-config").inputs.data["loki.yaml"]);
        assert.equal(cfg.schema_config.configs[0].object_store, "s3");
        assert.equal(cfg.limits_config.retention_period, "720h");
        const c = podSpecOf(rec.one("kubernetes:apps/v1:StatefulSet", "prod-logs-loki")).containers[0];
        assert.deepEqual(c.envFrom, [{ configMapRef: { name: "loki-chunks" } }, { secretRef: { name: "loki-chunks" } }]);
    });

    it("stores chunks on a volume in dev, kept 3 days", () => {
        assert.equal(rec.named("dev-logs-loki-bucket").length, 0);
        const cfg = parse(rec.one("kubernetes:core/v1:ConfigMap", "dev-logs-loki-config").inputs.data["loki.yaml"]);
        assert.equal(cfg.schema_config.configs[0].object_store, "filesystem");
        assert.equal(cfg.limits_config.retention_period, "72h");
    });

    it("gives every container requests and limits", () => {
        for (const { container } of workloadContainers(rec.all)) {
            assert.ok(container.resources.requests.cpu && container.resources.limits.memory, container.name);
        }
    });

    it("rejects a malformed retention naming the field", () => {
        assert.throws(() => new mod.LogCenter("bad", { environment: "dev", blockStorageClass: "x", retention: "2 weeks" }), /logCenter\.retention: retention "2 weeks" must be hours or days/);
    });
});
