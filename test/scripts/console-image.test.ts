import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as versions from "../../components/versions";
import { localImages } from "../../scripts/lib/images";
import { K9S_PATH } from "../../components/app-engine/manage-system";

const byRef = (ref: string) => localImages().find((i) => i.ref === ref) ?? assert.fail(`no local image ${ref}`);

describe("console images", () => {
    it("k9s sits at /bin/k9s with a cp for the Manage System's init container, ENTRYPOINT as upstream's", () => {
        const k9s = byRef(versions.K9S_IMAGE);
        assert.ok(k9s.entries.some((e) => e.kind === "binary" && e.path === "/bin/k9s" && e.tool.id === "k9s"));
        assert.equal(k9s.busyboxApplets, true, "cp comes from busybox, as from alpine upstream");
        assert.deepEqual(k9s.config.Entrypoint, ["/bin/k9s"]);
        assert.notEqual(K9S_PATH, "/bin/k9s", "the copy goes to the shared volume, not over the image's binary");
    });

    it("ttyd comes from unstable alone, its tag is the packaged version, tini is the entrypoint", () => {
        const ttyd = byRef(versions.TTYD_IMAGE);
        assert.deepEqual(ttyd.debPackages?.filter((p) => p.includes("/")), ["ttyd/unstable"]);
        assert.equal(ttyd.tagIsVersionOf, "ttyd");
        assert.deepEqual(ttyd.config.Entrypoint, ["/usr/bin/tini", "--"]);
        assert.deepEqual(ttyd.config.ExposedPorts, { "7681/tcp": {} });
    });
});
