import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ETCD_IMAGE } from "../../components/versions";
import { localImages, splitRef } from "../../scripts/lib/images";
import { ETCD_VERSION, etcdServerTool } from "../../scripts/lib/etcd-image";
import { controlPlaneTools } from "../../scripts/lib/tools";

describe("the etcd image", () => {
    const image = () => localImages().find((i) => i.ref === ETCD_IMAGE)!;

    it("is tagged with the release the local control plane runs", () => {
        assert.equal(splitRef(ETCD_IMAGE).tag, ETCD_VERSION);
        assert.equal(controlPlaneTools().find((t) => t.id === "etcd")!.version, ETCD_VERSION);
    });

    it("carries etcd, etcdctl and etcdutl under /usr/local/bin and no shell, with etcd as its command", () => {
        const binaries = image().entries.filter((e) => e.kind === "binary").map((e) => e.kind === "binary" ? `${e.path}:${e.tool.id}/${e.tool.binary}` : "");
        assert.deepEqual(binaries, ["/usr/local/bin/etcd:etcd/etcd", "/usr/local/bin/etcdctl:etcdctl/etcdctl", "/usr/local/bin/etcdutl:etcdutl/etcdutl"]);
        assert.equal(image().debPackages, undefined);
        assert.equal(image().busyboxApplets, undefined);
        assert.deepEqual(image().config.Cmd, ["/usr/local/bin/etcd"]);
    });

    it("gives each binary of every image a program of its own (a tool, or one of a tool's binaries by name)", () => {
        for (const img of localImages()) {
            const ids = img.entries.flatMap((e) => (e.kind === "binary" ? [`${e.tool.id}/${e.binary ?? e.tool.binary}`] : []));
            assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], img.ref);
        }
    });

    it("uses the control plane's own etcd build (one cache entry)", () => {
        assert.deepEqual(etcdServerTool(), controlPlaneTools().find((t) => t.id === "etcd"));
    });
});
