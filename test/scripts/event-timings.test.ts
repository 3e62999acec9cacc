import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { readEventLog, slowestSteps, stepTimings } from "../../scripts/lib/event-timings";

const URN = (type: string, name: string) => `urn:pulumi:e2e::containercloud::containercloud:etcd:EtcdCluster$${type}::${name}`;
let seq = 0;

function pre(op: string, urn: string, at: number, custom = true): EngineEvent {
    const state = { type: "", urn, id: "", parent: "", inputs: {}, outputs: {}, provider: "", custom };
    return {
        sequence: seq++,
        timestamp: at,
        resourcePreEvent: { metadata: { op: op as never, urn, type: "", provider: "", ...(op === "delete" ? { old: state } : { new: state }) } },
    };
}

function outputs(op: string, urn: string, at: number): EngineEvent {
    return { sequence: seq++, timestamp: at, resOutputsEvent: { metadata: { op: op as never, urn, type: "", provider: "" } } };
}

describe("stepTimings", () => {
    it("times each step from its start to its outputs, longest first", () => {
        const sts = URN("kubernetes:apps/v1:StatefulSet", "etcd");
        const svc = URN("kubernetes:core/v1:Service", "etcd-client");
        const t = stepTimings([pre("create", svc, 100), pre("create", sts, 101), outputs("create", svc, 102), outputs("create", sts, 160)]);
        assert.deepEqual(t, [
            { urn: sts, op: "create", seconds: 59, finished: true },
            { urn: svc, op: "create", seconds: 2, finished: true },
        ]);
    });

    it("times a step that never finished to the last event and says so", () => {
        const sts = URN("kubernetes:apps/v1:StatefulSet", "etcd");
        const t = stepTimings([pre("create", sts, 10), { sequence: seq++, timestamp: 370, cancelEvent: {} }]);
        assert.deepEqual(t, [{ urn: sts, op: "create", seconds: 360, finished: false }]);
    });

    it("leaves out components, whose steps last as long as their children's", () => {
        const etcd = "urn:pulumi:e2e::containercloud::containercloud:etcd:EtcdCluster::etcd";
        const sts = URN("kubernetes:apps/v1:StatefulSet", "etcd");
        const t = stepTimings([pre("create", etcd, 0, false), pre("create", sts, 1), outputs("create", sts, 40), outputs("create", etcd, 41)]);
        assert.deepEqual(t.map((s) => s.urn), [sts]);
    });

    it("times a delete, whose state is the old one", () => {
        const svc = URN("kubernetes:core/v1:Service", "etcd-client");
        assert.deepEqual(stepTimings([pre("delete", svc, 5), outputs("delete", svc, 17)]), [{ urn: svc, op: "delete", seconds: 12, finished: true }]);
    });

    it("leaves out resources that did not change", () => {
        const ns = URN("kubernetes:core/v1:Namespace", "etcd-ns");
        assert.deepEqual(stepTimings([pre("same", ns, 1), outputs("same", ns, 1)]), []);
    });
});

describe("slowestSteps", () => {
    it("names the type and resource of the n longest steps", () => {
        const sts = URN("kubernetes:apps/v1:StatefulSet", "etcd");
        const svc = URN("kubernetes:core/v1:Service", "etcd-client");
        const line = slowestSteps([
            { urn: sts, op: "create", seconds: 59, finished: false },
            { urn: svc, op: "update", seconds: 2, finished: true },
        ], 1);
        assert.equal(line, "kubernetes:apps/v1:StatefulSet etcd: 59 s (create, unfinished)");
    });

    it("says so when nothing changed", () => {
        assert.equal(slowestSteps([], 5), "no resource changed");
    });
});

describe("readEventLog", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "event-log-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads one event per line and skips a line cut off by a killed run", () => {
        const file = path.join(dir, "events.jsonl");
        const ev = pre("create", URN("kubernetes:core/v1:Service", "etcd-client"), 5);
        fs.writeFileSync(file, `${JSON.stringify(ev)}\n\n{"sequence":9,"timest`);
        assert.deepEqual(readEventLog(file), [ev]);
    });
});
