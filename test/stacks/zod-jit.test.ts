import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { parsePlatformConfig } from "../../stacks/config";
import { readStackConfig } from "../../scripts/lib/stack-file";
import { JIT_PAYS_OFF_AT, parseAppManifests } from "../../components/app-engine/app-manifest";
import { benchApps } from "../../scripts/lib/bench-apps";

/** Runs `f` and counts the functions built from text (`new Function`, which zod's JIT uses) meanwhile. */
function functionsBuiltDuring(f: () => void): number {
    const original = globalThis.Function;
    let built = 0;
    globalThis.Function = new Proxy(original, {
        construct(target, args, newTarget) {
            built++;
            return Reflect.construct(target, args, newTarget) as object;
        },
        apply(target, self, args) {
            built++;
            return Reflect.apply(target, self, args) as unknown;
        },
    });
    try {
        f();
    } finally {
        globalThis.Function = original;
    }
    return built;
}

describe("zod's JIT where a schema parses a few times", () => {
    const read = readStackConfig(path.join(__dirname, "..", "..", "stacks", "Pulumi.prod.yaml"));

    it("builds no parser code at run time (zod's JIT is off for a parse that runs once)", () => {
        assert.ok(read.ok, read.ok ? "" : read.error);
        let ok = false;
        const built = functionsBuiltDuring(() => {
            ok = parsePlatformConfig(read.raw).ok;
        });
        assert.equal(ok, true);
        assert.equal(built, 0, "zod generated a parser with new Function: a section schema parses with its JIT on");
    });

    it("parses a few app manifests without the JIT and many with it", () => {
        const raws = (n: number) => benchApps(n).map((raw, i) => ({ raw, source: `apps[${i}]` }));
        const few = raws(2);
        const many = raws(JIT_PAYS_OFF_AT);
        let parsed = 0;
        assert.equal(functionsBuiltDuring(() => {
            const r = parseAppManifests(few);
            parsed += r.ok ? r.apps.length : 0;
        }), 0);
        assert.ok(functionsBuiltDuring(() => {
            const r = parseAppManifests(many);
            parsed += r.ok ? r.apps.length : 0;
        }) > 0);
        assert.equal(parsed, 2 + JIT_PAYS_OFF_AT);
    });

    it("counts what zod's JIT builds when it is on (the check above can fail)", async () => {
        const { z } = await import("zod");
        const schema = z.object({ a: z.string(), b: z.object({ c: z.number() }) });
        assert.ok(functionsBuiltDuring(() => schema.parse({ a: "x", b: { c: 1 } })) > 0);
    });
});
