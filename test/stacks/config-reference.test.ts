import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import { REFERENCE, renderConfigReference } from "../../scripts/config-reference";

describe("docs/config-reference.md", () => {
    it("matches the schema and profiles (run `npm run config-reference` after changing stacks/config)", () => {
        assert.equal(fs.readFileSync(REFERENCE, "utf8"), renderConfigReference());
    });

    it("lists every top-level config section", () => {
        const text = renderConfigReference();
        for (const key of ["cluster", "tenancy", "network", "etcd", "storage", "registry", "appEngine", "apps"]) {
            assert.ok(text.includes(`\`containercloud:${key}\``), `missing ${key}`);
        }
    });
});
