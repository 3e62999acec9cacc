"use strict";
/**
 * Loads the Pulumi program's TypeScript: `Pulumi.yaml` starts node with
 * `--require ./ts-register.cjs` (Pulumi runs node in `stacks/`, the folder of `main`), and the
 * benchmarks start both the program and the floor the same way.
 *
 * Why not tsx, which the scripts and tests use: tsx also takes over every `.js` file, and reads and
 * lexes each one to find out whether it is an ES module. A Pulumi program loads about 1,100 files
 * of `@pulumi/pulumi` (and its copy of typescript) before it starts, so that check alone costs
 * ≈0.35 s per run (bench/README.md). This hook handles `.ts` files only and leaves every `.js`
 * file to Node.
 *
 * - Each `.ts` file is transpiled by esbuild (the transpiler tsx uses, with this project's
 *   tsconfig.json compiler options, as tsx passes them) into CommonJS with an inline source map.
 *   The output is cached on disk under a hash of the source, the options and esbuild's version
 *   (`node_modules/.cache/containercloud/ts/`, or `CONTAINERCLOUD_TS_CACHE`), so a run whose
 *   files are all cached does not load esbuild at all. Stale entries are never read (the key
 *   changes with the source); deleting the folder is always safe.
 * - Source maps are on, so errors print TypeScript lines. Files under `node_modules/` are compiled
 *   with the mapping off: Node would otherwise read and parse each one's `.js.map` as it loads
 *   (≈0.1 s for @pulumi/pulumi alone), and frames inside libraries keep their JavaScript lines,
 *   as under plain node.
 * - Node's own resolver finds `.ts` files once `.ts` is a registered extension
 *   (`require("./config")` → `config.ts` or `config/index.ts`).
 *
 * Self-contained on purpose (Node built-ins and esbuild only): it runs before any TypeScript can
 * load, so it cannot share the project's TypeScript helpers (the atomic cache write of
 * components/core/disk-cache.ts, the source-map switch of stacks/stack-traces.ts).
 *
 * Not supported, as the program does not need them: `import()` of a `.ts` file (it would go to
 * Node's ES module loader), ES module syntax in `.js` files, tsconfig `paths`.
 * Type checking is not this hook's job: `npm run typecheck` (part of `npm test`).
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = process.env.CONTAINERCLOUD_TS_CACHE || path.join(ROOT, "node_modules", ".cache", "containercloud", "ts");
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * What a transpiled file depends on besides its own source: esbuild's version, the compiler
 * options and the node target. Read once per process (two small files), hashed into every key.
 */
function transformSettings() {
    const tsconfigFile = path.join(ROOT, "tsconfig.json");
    let compilerOptions;
    try {
        compilerOptions = JSON.parse(fs.readFileSync(tsconfigFile, "utf8")).compilerOptions ?? {};
    } catch (e) {
        throw new Error(`stacks/ts-register.cjs: cannot read compilerOptions from ${tsconfigFile} (${e.message}); it must be plain JSON`);
    }
    let esbuildVersion;
    try {
        esbuildVersion = require("esbuild/package.json").version;
    } catch {
        throw new Error("stacks/ts-register.cjs: esbuild is not installed (the program's TypeScript needs it; it is a devDependency): run `npm ci` in the project");
    }
    const options = {
        loader: "ts",
        format: "cjs",
        target: `node${process.versions.node}`,
        sourcemap: "inline",
        sourcesContent: false,
        // As tsx transpiles (the tests run under it): the same code either way, e.g. the text of a
        // serialized dynamic provider (components/secrets/provider-text.ts).
        minifyWhitespace: true,
        keepNames: true,
        tsconfigRaw: { compilerOptions },
    };
    const fingerprint = crypto.createHash("sha256").update(JSON.stringify({ esbuildVersion, options })).digest("hex");
    return { options, fingerprint };
}

let settings;
let esbuild;

/** The CommonJS JavaScript for a `.ts` file, from the cache or freshly transpiled (and then cached). */
function transpile(filename, source) {
    settings ??= transformSettings();
    const key = crypto.createHash("sha256").update(settings.fingerprint).update("\0").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, key.slice(0, 2), `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // not cached yet
    }
    esbuild ??= require("esbuild");
    const { code } = esbuild.transformSync(source, { ...settings.options, sourcefile: filename });
    try {
        // Written under a temporary name and renamed, so a concurrent run never reads half a file.
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, cached);
    } catch {
        // A read-only or full disk costs the next run a transpile, nothing else.
    }
    return code;
}

/** Runs `compile` with Node's source-map support set to `enabled`, then puts the previous setting back. */
function withSourceMaps(enabled, compile) {
    const before = process.sourceMapsEnabled;
    if (before === enabled) {
        return compile();
    }
    process.setSourceMapsEnabled(enabled);
    try {
        return compile();
    } finally {
        process.setSourceMapsEnabled(before);
    }
}

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    const code = transpile(filename, fs.readFileSync(filename, "utf8"));
    // On while compiling, so the inline map is registered even when a file is first required
    // inside `withoutSourceMaps` (stacks/stack-traces.ts).
    withSourceMaps(true, () => module._compile(code, filename));
};

const loadJavaScript = Module._extensions[".js"];
Module._extensions[".js"] = function loadJavaScriptWithoutLibraryMaps(module, filename) {
    if (!filename.includes(NODE_MODULES)) {
        return loadJavaScript(module, filename);
    }
    return withSourceMaps(false, () => loadJavaScript(module, filename));
};

process.setSourceMapsEnabled(true);
