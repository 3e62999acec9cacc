import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import { withoutSourceMaps } from "../../stacks/stack-traces";

/** The line of this file named in the first frame of `stack`. */
function lineIn(stack: string): number {
    const m = /stack-traces\.test\.ts:(\d+):\d+/.exec(stack);
    assert.ok(m, `no frame of this file in:\n${stack}`);
    return Number(m[1]);
}

/** The 1-based line of this file's source that holds `marker`. */
function sourceLine(marker: string): number {
    const lines = fs.readFileSync(__filename, "utf8").split("\n");
    return lines.findIndex((l) => l.includes(marker) && !l.includes("sourceLine(")) + 1;
}

const makeError = () => new Error("bad arg"); // MARK-ERROR

describe("withoutSourceMaps", () => {
    it("runs under tsx, which turns source maps on", () => {
        assert.equal(process.sourceMapsEnabled, true);
    });

    it("turns the mapping off inside, and back on after", () => {
        assert.equal(withoutSourceMaps(() => process.sourceMapsEnabled), false);
        assert.equal(process.sourceMapsEnabled, true);
    });

    it("turns it back on when the construction throws", () => {
        assert.throws(() => withoutSourceMaps(() => {
            throw new Error("boom");
        }), /boom/);
        assert.equal(process.sourceMapsEnabled, true);
    });

    it("leaves an error thrown inside with its TypeScript line when read after, as Pulumi prints it", () => {
        let caught: Error | undefined;
        try {
            withoutSourceMaps(() => {
                throw makeError();
            });
        } catch (e) {
            caught = e as Error;
        }
        assert.equal(lineIn(caught!.stack!), sourceLine("MARK-ERROR"));
    });

    it("does not map a stack read inside (what the SDK's per-resource captures save)", () => {
        const inside = withoutSourceMaps(() => makeError().stack!);
        const after = makeError().stack!;
        assert.equal(lineIn(after), sourceLine("MARK-ERROR"));
        assert.notEqual(lineIn(inside), lineIn(after));
    });
});
