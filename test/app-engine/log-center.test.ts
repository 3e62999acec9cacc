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
        new mod.LogCenter("prod-logs", { environment: "prod", blockStorageClass: "ceph-block" });
        new mod.LogCenter("dev-logs", { environment: "dev", namespace: "dev-logging", blockStorageClass: "ceph-block" });
        await rec.settle();
    });

    it("tails /var/log/pods on every node with the filelog receiver's container parser", () => {
        const ds = rec.one("kubernetes:apps/v1:DaemonSet", "prod-logs-log-agent");
        const pod = podSpecOf(ds);
        assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.volumes.find((v: any) => v.name === "pods").hostPath.path, "/var/log/pods");
        const cfg = parse(rec.one("kubernetes:core/v1:ConfigMap", "prod-logs-log-agent-config").inputs.data["config.yaml"]);
        assert.deepEqual(cfg.receivers.file_log.include, ["/var/log/pods/*/*/*.log"]);
        assert.deepEqual(cfg.receivers.file_log.exclude, ["/var/log/pods/containercloud-logging_log-agent-*/*/*.log"]);
        assert.equal(cfg.receivers.file_log.operators[0].type, "container");
    });

    it("ships the agent's logs to VictoriaLogs' OTLP endpoint", () => {
        const cfg = parse(rec.one("kubernetes:core/v1:ConfigMap", "prod-logs-log-agent-config").inputs.data["config.yaml"]);
        assert.equal(cfg.exporters["otlp_http/logs"].logs_endpoint, "http://victoria-logs.containercloud-logging.svc:9428/insert/opentelemetry/v1/logs");
        assert.deepEqual(cfg.service.pipelines.logs.exporters, ["otlp_http/logs"]);
    });

    it("declares its hostPath and root exemptions on the DaemonSet", () => {
        const ds = rec.one("kubernetes:apps/v1:DaemonSet", "prod-logs-log-agent");
        const ex = JSON.parse(ds.inputs.metadata.annotations["containercloud.io/policy-exemptions"]);
        assert.deepEqual(ex.map((e: any) => e.rule), ["no-host-path-volumes", "run-as-non-root"]);
        assert.ok(ex.every((e: any) => e.reason.length > 10));
    });

    it("governs the VictoriaLogs StatefulSet with a headless Service of that name", () => {
        const svc = rec.one("kubernetes:core/v1:Service", "prod-logs-victoria-logs-svc");
        assert.equal(svc.inputs.spec.clusterIP, "None");
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "prod-logs-victoria-logs");
        assert.equal(sts.inputs.spec.serviceName, "victoria-logs");
        assert.equal(svc.inputs.metadata.name, "victoria-logs");
    });

    it("keeps prod's logs 30 days on the block class", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "prod-logs-victoria-logs");
        assert.ok(podSpecOf(sts).containers[0].args.includes("-retentionPeriod=720h"));
        assert.equal(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName, "ceph-block");
        assert.equal(sts.inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "20Gi");
    });

    it("keeps dev's logs 3 days", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "dev-logs-victoria-logs");
        assert.ok(podSpecOf(sts).containers[0].args.includes("-retentionPeriod=72h"));
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
