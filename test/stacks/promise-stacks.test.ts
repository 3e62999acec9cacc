import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recordRegistrations } from "../helpers/mocks";
import { skipUnusedPromiseStacks } from "../../stacks/stack-traces";

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> };
const rec = recordRegistrations();

/** The stack the SDK kept for a promise it made. */
function keptStack(): string {
    const p = Promise.resolve(1);
    void debuggable.debuggablePromise(p, "test");
    return (p as unknown as { _debugStackTrace: string })._debugStackTrace;
}

describe("skipUnusedPromiseStacks", () => {
    const original = debuggable.debuggablePromise;
    before(() => skipUnusedPromiseStacks());
    after(() => {
        debuggable.debuggablePromise = original;
    });

    it("keeps no frames for the SDK's promises", () => {
        assert.equal(keptStack(), "Error");
    });

    it("leaves the stack trace limit and every other error's stack as they were", () => {
        keptStack();
        assert.equal(Error.stackTraceLimit, 10);
        assert.match(new Error("x").stack!, /promise-stacks\.test\.ts:\d+/);
    });

    it("is what the SDK calls when it registers a resource", async () => {
        // Every stack read while registering: one with frames of debuggable.js would mean the SDK
        // calls its own function directly and the patch no longer takes effect.
        const format = Error.prepareStackTrace!;
        const tops: string[] = [];
        Error.prepareStackTrace = (e, frames) => {
            tops.push(frames.length === 0 ? "(none)" : `${frames[0].getFunctionName()}`);
            return format(e, frames);
        };
        try {
            class Thing extends pulumi.CustomResource {}
            const r = new Thing("test:index:Thing", "thing", { a: 1 });
            await new Promise<void>((resolve) => r.urn.apply(() => resolve()));
            await rec.settle();
        } finally {
            Error.prepareStackTrace = format;
        }
        assert.ok(tops.includes("(none)"), "the SDK's promise stacks were taken without frames");
        assert.ok(!tops.includes("debuggablePromise"), `an SDK promise kept its stack: ${tops.join(", ")}`);
    });

    it("changes nothing when PULUMI_DEBUG_PROMISE_LEAKS asks for the leak report's stacks", () => {
        const code = `
            require(${JSON.stringify(require.resolve("tsx/cjs"))});
            const { skipUnusedPromiseStacks } = require(${JSON.stringify(path.join(__dirname, "..", "..", "stacks", "stack-traces.ts"))});
            skipUnusedPromiseStacks();
            const d = require("@pulumi/pulumi/runtime/debuggable");
            const p = Promise.resolve(1);
            d.debuggablePromise(p, "x");
            console.log(p._debugStackTrace.split("\\n").length);`;
        const r = spawnSync(process.execPath, ["-e", code], { cwd: path.join(__dirname, "..", ".."), env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "true" }, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(Number(r.stdout.trim()) > 1, `the stack has frames: ${r.stdout}`);
    });
});
