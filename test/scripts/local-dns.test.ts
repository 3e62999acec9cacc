import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { renderNodeHosts } from "../../scripts/lib/local-dns";

describe("local DNS on the nodes", () => {
    const base = "127.0.0.1 localhost\n127.0.0.1 vm\n";

    it("keeps the host's lines and adds one marked line per record", () => {
        const out = renderNodeHosts(base, { "registry.local.containercloud.test": "10.96.0.50" });
        assert.equal(out, `${base}10.96.0.50 registry.local.containercloud.test # containercloud local DNS\n`);
    });

    it("replaces what an earlier run wrote instead of adding to it", () => {
        const once = renderNodeHosts(base, { "registry.a.test": "10.96.0.50" });
        const twice = renderNodeHosts(once, { "registry.a.test": "10.96.0.77" });
        assert.equal(twice, `${base}10.96.0.77 registry.a.test # containercloud local DNS\n`);
    });
});
