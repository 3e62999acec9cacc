import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

// stacks/ts-register.cjs is what Pulumi.yaml starts the program with; these run it the same way
// (`node --require ./stacks/ts-register.cjs`), in child processes with a cache folder of their own.
const ROOT = path.resolve(__dirname, "..", "..");
const REGISTER = path.join(ROOT, "stacks", "ts-register.cjs");

let dir: string;
let cache: string;

before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-register-"));
    cache = path.join(dir, "cache");
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `files` into the scratch folder and runs `main` with the hook; stdout parsed as JSON when it is. */
function run(files: Record<string, string>, main: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    const r = spawnSync(process.execPath, ["--require", REGISTER, path.join(dir, main)], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, CONTAINERCLOUD_TS_CACHE: cache, ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A library file of the project, by absolute path (the scratch folder has no node_modules).
 * `@pulumi/pulumi/utils` ships a `.js.map` and requires nothing.
 */
const lib = (name: string) => JSON.stringify(require.resolve(name, { paths: [ROOT] }));

const esbuildLoaded = `Object.keys(require.cache).some((k) => k.endsWith("/esbuild/lib/main.js"))`;

/** One file at a time, as without bundling. */
const ONE_BY_ONE = { CONTAINERCLOUD_TS_BUNDLE: "0" };

/** The cached bundles: name → inode (a rebuilt bundle is written under a new inode). */
function cachedBundles(): Map<string, number> {
    const folder = path.join(cache, "bundles");
    const names = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    return new Map(names.map((n) => [n, fs.statSync(path.join(folder, n)).ino]));
}

describe("stacks/ts-register.cjs", () => {
    it("runs TypeScript and prints an error's stack with its TypeScript line", () => {
        const r = run({
            "throws.ts": [
                "interface Args {", // 1
                "    replicas: number;", // 2
                "}", // 3
                "type Unused = Args;", // 4
                "const args: Args = { replicas: 4 };", // 5
                "if (args.replicas % 2 === 0) {", // 6
                "    throw new Error(`replicas must be odd (got ${args.replicas})`);", // 7
                "}", // 8
            ].join("\n"),
        }, "throws.ts");
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /replicas must be odd \(got 4\)/);
        // The types are gone from the JavaScript, so an unmapped frame would name an earlier line.
        assert.match(r.stderr, /throws\.ts:7:\d+/);
    });

    it("one file at a time: transpiles a file once, and the next run reads the cache and does not load esbuild", () => {
        const main = `import { twice } from "./lib";\nconsole.log(JSON.stringify({ value: twice(21), esbuild: ${esbuildLoaded} }));\n`;
        const lib = "export function twice(n: number): number {\n    return n * 2;\n}\n";
        const first = run({ "cached.ts": main, "lib.ts": lib }, "cached.ts", ONE_BY_ONE);
        assert.equal(first.status, 0, first.stderr);
        assert.deepEqual(JSON.parse(first.stdout), { value: 42, esbuild: true });
        const second = run({}, "cached.ts", ONE_BY_ONE);
        assert.equal(second.status, 0, second.stderr);
        assert.deepEqual(JSON.parse(second.stdout), { value: 42, esbuild: false });
    });

    it("transpiles an edited file again instead of running the cached one", () => {
        const main = (n: number) => `const n: number = ${n};\nconsole.log(JSON.stringify(n));\n`;
        assert.equal(run({ "edited.ts": main(1) }, "edited.ts", ONE_BY_ONE).stdout.trim(), "1");
        assert.equal(run({ "edited.ts": main(2) }, "edited.ts", ONE_BY_ONE).stdout.trim(), "2");
    });

    it("keeps library files unmapped and its own files mapped, with source maps on for the program", () => {
        const r = run({
            "maps.ts": [
                `import { findSourceMap } from "module";`,
                `import ${lib("@pulumi/pulumi/utils")};`,
                `console.log(JSON.stringify({`,
                `    enabled: process.sourceMapsEnabled,`,
                `    library: findSourceMap(${lib("@pulumi/pulumi/utils")}) !== undefined,`,
                `    own: findSourceMap(__filename) !== undefined,`,
                `}));`,
            ].join("\n"),
        }, "maps.ts");
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { enabled: true, library: false, own: true });
    });

    it("names the fix when esbuild is not installed", () => {
        // A copy of the hook in a project of its own that has a tsconfig.json but no node_modules.
        const project = path.join(dir, "no-esbuild");
        fs.mkdirSync(path.join(project, "stacks"), { recursive: true });
        fs.copyFileSync(REGISTER, path.join(project, "stacks", "ts-register.cjs"));
        fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true } }));
        fs.writeFileSync(path.join(project, "index.ts"), "export const n: number = 1;\n");
        const r = spawnSync(process.execPath, ["--require", path.join(project, "stacks", "ts-register.cjs"), path.join(project, "index.ts")], {
            cwd: project,
            encoding: "utf8",
            env: { ...process.env, CONTAINERCLOUD_TS_CACHE: path.join(project, "cache"), NODE_PATH: "" },
        });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /esbuild is not installed .*run `npm ci`/);
    });

    it("leaves source maps off when a library loads while they are off (as inside withoutSourceMaps)", () => {
        const r = run({
            "off.ts": [
                `process.setSourceMapsEnabled(false);`,
                `require(${lib("zod")});`,
                `const afterLibrary = process.sourceMapsEnabled;`,
                `const { findSourceMap } = require("module");`,
                `require("./late");`,
                `const afterOwn = process.sourceMapsEnabled;`,
                `console.log(JSON.stringify({ afterLibrary, afterOwn, lateMapped: findSourceMap(require.resolve("./late")) !== undefined }));`,
            ].join("\n"),
            "late.ts": "export const late: boolean = true;\n",
        }, "off.ts", ONE_BY_ONE);
        assert.equal(r.status, 0, r.stderr);
        // A TypeScript file first loaded while the mapping is off still registers its map.
        assert.deepEqual(JSON.parse(r.stdout), { afterLibrary: false, afterOwn: false, lateMapped: true });
    });
    it("bundles an entry with the project files it imports into one cached module", () => {
        const files = {
            "entry.ts": [
                `import { twice } from "./parts/twice";`,
                `const own = Object.keys(require.cache).filter((k) => k.endsWith(".ts")).map((k) => require("path").basename(k));`,
                `console.log(JSON.stringify({ value: twice(21), own, esbuild: ${esbuildLoaded} }));`,
            ].join("\n"),
            "parts/twice.ts": "export function twice(n: number): number {\n    return n * 2;\n}\n",
        };
        const before = cachedBundles();
        const first = run(files, "entry.ts");
        assert.equal(first.status, 0, first.stderr);
        // Built in a child process: this process compiled one module for both files and never loaded esbuild.
        assert.deepEqual(JSON.parse(first.stdout), { value: 42, own: ["entry.ts"], esbuild: false });
        const built = [...cachedBundles()].filter(([name]) => !before.has(name));
        assert.equal(built.length, 1, "one bundle for the entry");
        const second = run({}, "entry.ts");
        assert.equal(second.status, 0, second.stderr);
        assert.equal(second.stdout, first.stdout);
        assert.equal(cachedBundles().get(built[0][0]), built[0][1], "the second run read the cached bundle instead of building it again");
    });

    it("builds the bundle again when a file it imports changes", () => {
        const entry = `import { n } from "./value";\nconsole.log(n);\n`;
        assert.equal(run({ "changed.ts": entry, "value.ts": "export const n: number = 1;\n" }, "changed.ts").stdout.trim(), "1");
        assert.equal(run({ "value.ts": "export const n: number = 2;\n" }, "changed.ts").stdout.trim(), "2");
        fs.rmSync(path.join(dir, "value.ts"));
        const gone = run({}, "changed.ts");
        assert.notEqual(gone.status, 0, "a cached bundle whose file is gone must not run");
    });

    it("gives every bundled file its own __dirname and __filename", () => {
        const r = run({
            "where.ts": [
                `import { here } from "./nested/here";`,
                `console.log(JSON.stringify({ entry: [__dirname, __filename], nested: here() }));`,
            ].join("\n"),
            "nested/here.ts": "export function here(): string[] {\n    return [__dirname, __filename];\n}\n",
        }, "where.ts");
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), {
            entry: [dir, path.join(dir, "where.ts")],
            nested: [path.join(dir, "nested"), path.join(dir, "nested", "here.ts")],
        });
    });

    it("maps an error thrown in a bundled file to that file's TypeScript line", () => {
        const r = run({
            "calls.ts": `import { check } from "./checks";\ncheck(4);\n`,
            "checks.ts": [
                "interface Args {", // 1
                "    replicas: number;", // 2
                "}", // 3
                "export function check(replicas: Args[\"replicas\"]): void {", // 4
                "    if (replicas % 2 === 0) {", // 5
                "        throw new Error(`replicas must be odd (got ${replicas})`);", // 6
                "    }", // 7
                "}", // 8
            ].join("\n"),
        }, "calls.ts");
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /replicas must be odd \(got 4\)/);
        assert.match(r.stderr, /checks\.ts:6:\d+/);
        assert.match(r.stderr, /calls\.ts:2:\d+/);
    });

    it("says so and loads files one by one when an entry cannot be bundled", () => {
        const r = run({ "broken.ts": `import { x } from "./not-there";\nconsole.log(x);\n` }, "broken.ts");
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /could not bundle .*broken\.ts; loading its files one by one/);
        assert.match(r.stderr, /Could not resolve "\.\/not-there"/);
        // Then the error as Node reports it for that file.
        assert.match(r.stderr, /Cannot find module '\.\/not-there'/);
    });

    it("bundles zod into the program without its locales, and leaves @pulumi/pulumi to Node", () => {
        const script = [
            "const { parsePlatformConfig } = require('./config');",
            "const r = parsePlatformConfig({ environment: 'prod', etcd: { replicas: 'three' } });",
            "const loaded = Object.keys(require.cache);",
            "console.log(JSON.stringify({",
            "    message: r.ok ? '' : r.issues.map((i) => i.message).join('; '),",
            "    zodFiles: loaded.filter((k) => k.includes('/node_modules/zod/')).length,",
            "    sdk: loaded.some((k) => k.endsWith('/node_modules/@pulumi/pulumi/index.js')),",
            "    own: loaded.filter((k) => k.endsWith('.ts')).map((k) => require('path').relative(process.cwd(), k)),",
            "}));",
        ].join("\n");
        const programCache = path.join(dir, "program-cache");
        // As Pulumi starts the program: in stacks/, with the hook (and a cache of this test's own).
        const inStacks = (code: string) => spawnSync(process.execPath, ["--require", "./ts-register.cjs", "-e", code], {
            cwd: path.join(ROOT, "stacks"),
            encoding: "utf8",
            env: { ...process.env, CONTAINERCLOUD_TS_CACHE: programCache },
        });
        const r = inStacks(`require('@pulumi/pulumi');\n${script}`);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { message: "Invalid input: expected number, received string", zodFiles: 0, sdk: true, own: ["config/index.ts"] });
        // The bundle's source map names the files it holds: of zod's locales, only English (its default).
        const [bundle] = fs.readdirSync(path.join(programCache, "bundles"));
        const text = fs.readFileSync(path.join(programCache, "bundles", bundle), "utf8");
        const map = JSON.parse(Buffer.from(text.slice(text.lastIndexOf("base64,") + "base64,".length).trim(), "base64").toString("utf8")) as { sources: string[] };
        // Relative to the entry's folder, where Node reads them from.
        const sources = map.sources.map((s) => path.resolve(ROOT, "stacks", "config", s));
        const locales = sources.filter((s) => s.includes("/node_modules/zod/v4/locales/")).map((s) => path.basename(s));
        assert.deepEqual(locales, ["en.js"]);
        assert.ok(sources.includes(path.join(ROOT, "stacks", "config", "apps.ts")), "the config's own files are in the bundle");

        // A library file is checked by size and time: touching one of zod's builds the bundle again.
        const inode = () => fs.statSync(path.join(programCache, "bundles", bundle)).ino;
        const before = inode();
        const again = () => inStacks("require('./config')");
        assert.equal(again().status, 0);
        assert.equal(inode(), before, "unchanged files: the cached bundle is used");
        const zodFile = sources.find((s) => s.endsWith("/node_modules/zod/v4/core/core.js"))!;
        const { atime, mtime } = fs.statSync(zodFile);
        try {
            fs.utimesSync(zodFile, atime, new Date(mtime.getTime() + 1000));
            assert.equal(again().status, 0);
            assert.notEqual(inode(), before, "a library file changed: the bundle is built again");
        } finally {
            fs.utimesSync(zodFile, atime, mtime);
        }
    });
});
