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
function run(files: Record<string, string>, main: string): { status: number | null; stdout: string; stderr: string } {
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    const r = spawnSync(process.execPath, ["--require", REGISTER, path.join(dir, main)], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, CONTAINERCLOUD_TS_CACHE: cache },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A library file of the project, by absolute path (the scratch folder has no node_modules).
 * `@pulumi/pulumi/utils` ships a `.js.map` and requires nothing.
 */
const lib = (name: string) => JSON.stringify(require.resolve(name, { paths: [ROOT] }));

const esbuildLoaded = `Object.keys(require.cache).some((k) => k.endsWith("/esbuild/lib/main.js"))`;

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

    it("transpiles a file once: the next run reads the cache and does not load esbuild", () => {
        const main = `import { twice } from "./lib";\nconsole.log(JSON.stringify({ value: twice(21), esbuild: ${esbuildLoaded} }));\n`;
        const lib = "export function twice(n: number): number {\n    return n * 2;\n}\n";
        const first = run({ "cached.ts": main, "lib.ts": lib }, "cached.ts");
        assert.equal(first.status, 0, first.stderr);
        assert.deepEqual(JSON.parse(first.stdout), { value: 42, esbuild: true });
        const second = run({}, "cached.ts");
        assert.equal(second.status, 0, second.stderr);
        assert.deepEqual(JSON.parse(second.stdout), { value: 42, esbuild: false });
    });

    it("transpiles an edited file again instead of running the cached one", () => {
        const main = (n: number) => `const n: number = ${n};\nconsole.log(JSON.stringify(n));\n`;
        assert.equal(run({ "edited.ts": main(1) }, "edited.ts").stdout.trim(), "1");
        assert.equal(run({ "edited.ts": main(2) }, "edited.ts").stdout.trim(), "2");
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
        }, "off.ts");
        assert.equal(r.status, 0, r.stderr);
        // A TypeScript file first loaded while the mapping is off still registers its map.
        assert.deepEqual(JSON.parse(r.stdout), { afterLibrary: false, afterOwn: false, lateMapped: true });
    });
});
