import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePlatformConfig } from "../../stacks/config";

describe("network.subnetManager", () => {
    it("refuses etcd with an issue naming the field and why it cannot work", () => {
        const r = parsePlatformConfig({ environment: "prod", network: { subnetManager: "etcd" } });
        assert.ok(!r.ok);
        assert.deepEqual(r.issues.map((i) => [i.path, i.message]), [[
            "containercloud:network.subnetManager",
            'network.subnetManager "etcd" is not supported: use kube. Flannel\'s etcd store cannot use the platform\'s etcd, which runs on the pod network Flannel itself provides',
        ]]);
    });

    it("defaults to kube", () => {
        const r = parsePlatformConfig({ environment: "dev" });
        assert.ok(r.ok && r.config.network.subnetManager === "kube");
    });
});

describe("etcd.antiAffinity", () => {
    it("reaches EtcdCluster's args from the stack file and is unset by default", async () => {
        const { infraArgs } = await import("../../stacks/platform");
        const set = parsePlatformConfig({ environment: "local", etcd: { replicas: 3, antiAffinity: "required" } });
        const unset = parsePlatformConfig({ environment: "local" });
        assert.ok(set.ok && unset.ok);
        assert.equal(infraArgs(set.config).etcd!.antiAffinity, "required");
        assert.equal(infraArgs(unset.config).etcd!.antiAffinity, undefined);
    });
});
