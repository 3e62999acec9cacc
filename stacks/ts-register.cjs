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
 * - **One bundle per entry.** A `.ts` file that Node asks this hook to load (the program's `main`,
 *   or a file a `.js` module requires) is an entry: esbuild bundles it with every project `.ts`
 *   file it imports, and with zod (`BUNDLED_PACKAGES`), into one CommonJS module compiled under
 *   the entry's own file name. Node then resolves, reads and compiles one file instead of ≈55,
 *   imports between the program's modules are plain variables instead of getters, and esbuild
 *   drops the parts of zod the program never uses (its ≈48 locales; 15 of its 71 files remain).
 *   Every other package stays a `require` that Node resolves from the entry's folder as before,
 *   so `@pulumi/pulumi` is the one instance the language host loaded; so do the folders of
 *   `LOADED_ALONE` (dynamic providers, whose code is serialized into the state). Each bundled
 *   module keeps its own `__dirname` and `__filename`. The bundle is built in a child process
 *   (esbuild's plugins, which that needs, run only in its asynchronous API) and cached with a
 *   fingerprint of every file it was built from: any edit, in the project or in zod, builds it
 *   again. Where it cannot be built (a syntax error, an import that does not resolve), the hook
 *   says so once and loads files one by one, so the error reads as Node or esbuild reports it for
 *   that file.
 *   `CONTAINERCLOUD_TS_BUNDLE=0` turns bundling off.
 * - **One file at a time** otherwise: each `.ts` file transpiled by esbuild (the transpiler tsx
 *   uses, with this project's tsconfig.json compiler options, as tsx passes them) into CommonJS.
 * - Both are cached on disk under a hash of their sources, the options, esbuild's version and this
 *   file (`node_modules/.cache/containercloud/ts/`, or `CONTAINERCLOUD_TS_CACHE`), so a run that
 *   finds them cached does not load esbuild at all. Stale entries are never used; deleting the
 *   folder is always safe.
 * - Source maps are inline and on, so errors print TypeScript files and lines (a bundle's map names
 *   every file in it). Files under `node_modules/` are compiled with the mapping off: Node would
 *   otherwise read and parse each one's `.js.map` as it loads (≈0.1 s for @pulumi/pulumi alone),
 *   and frames inside libraries keep their JavaScript lines, as under plain node.
 * - Node's own resolver finds `.ts` files once `.ts` is a registered extension
 *   (`require("./config")` → `config.ts` or `config/index.ts`).
 *
 * Self-contained on purpose (Node built-ins and esbuild only): it runs before any TypeScript can
 * load, so it cannot share the project's TypeScript helpers (the atomic cache write of
 * components/core/disk-cache.ts, the source-map switch of stacks/stack-traces.ts).
 *
 * Not supported, as the program does not need them: `import()` of a `.ts` file (it would go to
 * Node's ES module loader), ES module syntax in `.js` files, tsconfig `paths`. A bundled module is
 * not in `require.cache` under its own name, and a project file that two entries import runs once
 * per entry: the program has one entry (`stacks/index.ts`); bench/eval-child.ts loads the program
 * through one (`bench/program.ts`).
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
 * Packages built into a bundle rather than required at run time. zod is plain JavaScript with no
 * file access, declares `sideEffects: false` and is used through `import * as z`, so esbuild can
 * leave out what the program does not use. `@pulumi/*` must never be here: the program has to
 * share the language host's instance of the SDK.
 */
const BUNDLED_PACKAGES = new Set(["zod"]);

/**
 * Project folders whose files are never bundled, each loaded on its own: `components/secrets/`
 * holds dynamic providers, whose code the SDK serializes from the live functions into the stack's
 * state (and components/secrets/provider-text.ts caches). esbuild renames and reshapes what it
 * bundles, so a bundled provider would serialize differently from the same provider under tsx (the
 * tests, the scripts) and change an existing stack's resources with the way the program was loaded.
 * One file at a time, both transpile alike (see `transformSettings`).
 */
const LOADED_ALONE = [path.join(ROOT, "components", "secrets")];
const loadedAlone = (file) => LOADED_ALONE.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));

let bundling = process.env.CONTAINERCLOUD_TS_BUNDLE !== "0";

function sha256(...parts) {
    const h = crypto.createHash("sha256");
    for (const p of parts) {
        h.update(p);
        h.update("\0");
    }
    return h.digest("hex");
}

/**
 * What a cached file depends on besides its sources: esbuild's version, the compiler options, the
 * node target and this hook's own text. Read once per process (three small files), hashed into
 * every key.
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
    const fingerprint = sha256(JSON.stringify({ esbuildVersion, options, bundled: [...BUNDLED_PACKAGES] }), fs.readFileSync(__filename));
    return { options, fingerprint };
}

let settings;
let esbuild;

/** Writes `text` under a temporary name and renames it, so a concurrent run never reads half a file. */
function writeCached(file, text) {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
    } catch {
        // A read-only or full disk costs the next run a rebuild, nothing else.
    }
}

/** The CommonJS JavaScript for one `.ts` file, from the cache or freshly transpiled (and then cached). */
function transpile(filename, source) {
    settings ??= transformSettings();
    const key = sha256(settings.fingerprint, filename, source);
    const cached = path.join(CACHE_DIR, key.slice(0, 2), `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // not cached yet
    }
    esbuild ??= require("esbuild");
    const { code } = esbuild.transformSync(source, { ...settings.options, loader: "ts", sourcefile: filename });
    writeCached(cached, code);
    return code;
}

/**
 * What a bundle's input is checked against: a project file by the hash of its bytes; a library file
 * (zod's ≈130 files, most of them left out of the bundle) by its size and modification time, which
 * any reinstall or edit changes, at a fraction of the cost of reading and hashing them on every run.
 */
function fingerprintOf(file, bytes) {
    if (file.includes(NODE_MODULES)) {
        const st = fs.statSync(file);
        return `stat:${st.size}:${st.mtimeMs}`;
    }
    return `sha256:${sha256(bytes ?? fs.readFileSync(file))}`;
}

/**
 * A cached bundle is one line of JSON, `[[file, fingerprint], ...]` for every file it was built
 * from, then the code. Returns the code if every file's fingerprint is unchanged.
 */
function readBundle(file) {
    let text;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
    const eol = text.indexOf("\n");
    let inputs;
    try {
        inputs = JSON.parse(text.slice(0, eol));
    } catch {
        return undefined;
    }
    for (const [input, fingerprint] of inputs) {
        let now;
        try {
            now = fingerprintOf(input);
        } catch {
            return undefined;
        }
        if (now !== fingerprint) {
            return undefined;
        }
    }
    return text.slice(eol + 1);
}

/**
 * The bundle of `entry` (see the top of this file), from the cache or built in a child process; or
 * undefined where it cannot be built, after which this process loads every file on its own.
 */
function bundle(entry) {
    settings ??= transformSettings();
    const cached = path.join(CACHE_DIR, "bundles", `${sha256(settings.fingerprint, entry)}.js`);
    const code = readBundle(cached);
    if (code !== undefined) {
        return code;
    }
    const built = require("child_process").spawnSync(process.execPath, [__filename, "--bundle", entry], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
        // Only what the build needs: not the program's --require, heap or inspector flags.
        env: { ...process.env, NODE_OPTIONS: "" },
    });
    if (built.status !== 0) {
        bundling = false;
        const why = (built.stderr || built.error?.message || `exit ${built.status}`).trim();
        process.stderr.write(`stacks/ts-register.cjs: could not bundle ${path.relative(process.cwd(), entry)}; loading its files one by one.\n${why}\n`);
        return undefined;
    }
    const { inputs, code: fresh } = JSON.parse(built.stdout);
    writeCached(cached, `${JSON.stringify(inputs)}\n${fresh}`);
    return fresh;
}

/** `node ts-register.cjs --bundle <entry>`: builds a bundle and prints `{ inputs, code }` as JSON. */
async function buildBundle(entry) {
    settings ??= transformSettings();
    esbuild ??= require("esbuild");
    const inputs = [];
    const packageOf = (spec) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
    const isBuiltin = (spec) => spec.startsWith("node:") || Module.builtinModules.includes(spec.split("/")[0]);
    const plugin = {
        name: "containercloud-bundle",
        setup(build) {
            build.onResolve({ filter: /.*/ }, (args) => {
                if (args.kind === "entry-point" || isBuiltin(args.path)) {
                    return undefined;
                }
                const bare = !args.path.startsWith(".") && !path.isAbsolute(args.path);
                if (bare) {
                    return BUNDLED_PACKAGES.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
                }
                // A library file named by path from project code: left to Node, by absolute path
                // (the bundle's requires resolve from the entry's folder).
                const target = path.resolve(args.resolveDir, args.path);
                if (!args.importer.includes(NODE_MODULES) && target.includes(NODE_MODULES)) {
                    return { path: target, external: true };
                }
                // Required at run time by absolute path, so this hook loads it on its own.
                if (loadedAlone(target)) {
                    return { path: target, external: true };
                }
                return undefined;
            });
            build.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
                const bytes = fs.readFileSync(args.path);
                inputs.push([args.path, fingerprintOf(args.path, bytes)]);
                let contents = bytes.toString("utf8");
                const ext = path.extname(args.path);
                const project = !args.path.includes(NODE_MODULES);
                if (project && /\b__(dirname|filename)\b/.test(contents)) {
                    // Its own location, not the bundle's: esbuild renames these per module. Put on
                    // the first line (after a shebang), so every other line keeps its number.
                    const own = `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)};`;
                    const shebang = contents.startsWith("#!") ? contents.indexOf("\n") + 1 : 0;
                    contents = `${contents.slice(0, shebang)}${own}${contents.slice(shebang)}`;
                }
                const loader = ext === ".ts" ? "ts" : ext === ".json" ? "json" : "js";
                return { contents, loader };
            });
        },
    };
    const result = await esbuild.build({
        ...settings.options,
        entryPoints: [entry],
        bundle: true,
        platform: "node",
        write: false,
        // In the entry's folder: the map's file names are relative to it, and Node reads them
        // relative to the entry, under whose name the bundle is compiled.
        outfile: path.join(path.dirname(entry), `${path.basename(entry, ".ts")}.bundle.js`),
        logLevel: "silent",
        plugins: [plugin],
    });
    return { inputs, code: result.outputFiles[0].text };
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

if (require.main === module) {
    // The bundle builder, run by `bundle` above.
    const entry = process.argv[process.argv.indexOf("--bundle") + 1];
    buildBundle(path.resolve(entry)).then(
        (out) => process.stdout.write(JSON.stringify(out)),
        (e) => {
            const messages = e.errors?.length ? esbuild.formatMessagesSync(e.errors, { kind: "error" }).join("") : String(e.stack ?? e);
            process.stderr.write(messages);
            process.exitCode = 1;
        },
    );
} else {
    Module._extensions[".ts"] = function loadTypeScript(module, filename) {
        const bundled = bundling && !filename.includes(NODE_MODULES) && !loadedAlone(filename) ? bundle(filename) : undefined;
        const code = bundled ?? transpile(filename, fs.readFileSync(filename, "utf8"));
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
}
