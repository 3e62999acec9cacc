/**
 * Stack traces the program does not need while it constructs: `withoutSourceMaps` for the SDK's
 * per-resource source positions, `skipUnusedPromiseStacks` for its per-promise debug stacks.
 *
 * The program runs with Node's source maps on (stacks/ts-register.cjs; tsx under the tests), and
 * the Pulumi SDK captures a stack trace for every resource (its source position, with no depth
 * limit) and for every internal promise it creates. With
 * source maps on, each frame of each of those is mapped back to TypeScript: about 40% of the
 * time it takes to construct the platform (bench/README.md). `withoutSourceMaps` runs the
 * construction with the mapping off and turns it back on afterwards.
 *
 * Errors keep their TypeScript lines: V8 formats an error's stack when it is first read, and the
 * error of a failed construction is first read when Pulumi prints it, after the mapping is back
 * on. What changes is the source position Pulumi records for each resource (kept in the state,
 * shown by Pulumi Cloud): it names the right file and function, at the line of the transpiled
 * output rather than the TypeScript line.
 */

/** Runs `build` with source-mapped stack traces off, restoring the previous setting after it (also when it throws). */
export function withoutSourceMaps<T>(build: () => T): T {
    const before = process.sourceMapsEnabled;
    if (!before) {
        return build();
    }
    process.setSourceMapsEnabled(false);
    try {
        return build();
    } finally {
        process.setSourceMapsEnabled(true);
    }
}

/**
 * Leaves out the stack trace the Pulumi SDK takes for every promise it makes: its
 * `runtime/debuggable.js` captures and formats `new Error().stack` for each (≈6,000 in prod,
 * ≈240,000 at 1,000 apps) and prints them only in the leak report of `PULUMI_DEBUG_PROMISE_LEAKS`.
 * With that variable set, nothing changes. Call once, before the program constructs anything.
 */
export function skipUnusedPromiseStacks(): void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return;
    }
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> };
    const take = debuggable.debuggablePromise;
    debuggable.debuggablePromise = function debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return take(p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
}
