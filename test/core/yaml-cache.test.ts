import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseYamlCached } from "../../components/core/yaml-cache";

const ROOT = path.resolve(__dirname, "..", "..");

/** A throwaway project: a package.json and a manifests folder. */
function project(): { dir: string; cache: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-cache-"));
    fs.writeFileSync(path.join(root, "package.json"), "{}");
    fs.mkdirSync(path.join(root, "apps"));
    return { dir: path.join(root, "apps"), cache: path.join(root, "node_modules", ".cache", "containercloud", "yaml") };
}

function entries(cache: string): string[] {
    return fs.existsSync(cache) ? fs.readdirSync(cache) : [];
}

describe("parseYamlCached", () => {
    it("keeps what a text parses to and reads it back for the same text", () => {
        const p = project();
        const file = path.join(p.dir, "web.yaml");
        const text = "name: web\nprocesses:\n  web: {command: [serve]}\n";
        assert.deepEqual(parseYamlCached(text, file), { name: "web", processes: { web: { command: ["serve"] } } });
        const [entry] = entries(p.cache);
        assert.ok(entry, "one entry written");
        // Change the entry: the next read of the same text must come from it, not from the parser.
        fs.writeFileSync(path.join(p.cache, entry), JSON.stringify({ from: "cache" }));
        assert.deepEqual(parseYamlCached(text, file), { from: "cache" });
        // Another text is another key: parsed, never answered by the old entry.
        assert.deepEqual(parseYamlCached("name: worker\n", file), { name: "worker" });
        assert.equal(entries(p.cache).length, 2);
    });

    it("throws the parser's error for invalid YAML and caches nothing", () => {
        const p = project();
        assert.throws(() => parseYamlCached("name: [unclosed\n", path.join(p.dir, "bad.yaml")));
        assert.deepEqual(entries(p.cache), []);
    });

    it("does not cache data JSON cannot hold exactly", () => {
        const p = project();
        const data = parseYamlCached("a: .inf\nb: -0.0\n", path.join(p.dir, "odd.yaml")) as { a: number; b: number };
        assert.equal(data.a, Infinity);
        assert.deepEqual(entries(p.cache), []);
    });

    it("parses without a cache where no package.json is above the file", () => {
        const bare = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-nocache-"));
        assert.ok(!fs.existsSync(path.join(path.parse(bare).root, "package.json")) && !fs.existsSync(path.join(os.tmpdir(), "package.json")));
        assert.deepEqual(parseYamlCached("a: 1\n", path.join(bare, "x.yaml")), { a: 1 });
        assert.ok(!fs.existsSync(path.join(bare, "node_modules")));
    });

    it("lets the Pulumi program read the prod app manifests without loading the yaml package once they are cached", () => {
        // The program's loader (Pulumi.yaml nodeargs) in a fresh process, twice: the first run may parse, the second must not.
        const script = [
            "const { loadStackApps } = require('./config/apps');",
            "require('./platform');",
            "const r = loadStackApps({ appDir: 'stacks/apps/prod', inline: [] }, require('path').resolve('..'));",
            "if (!r.ok || r.apps.length === 0) throw new Error('no prod apps: ' + JSON.stringify(r));",
            "console.log(Object.keys(require.cache).filter((k) => k.includes('/node_modules/yaml/') && k.endsWith('.js')).length);",
        ].join("\n");
        const run = () => {
            const r = spawnSync(process.execPath, ["--require", "./ts-register.cjs", "-e", script], { cwd: path.join(ROOT, "stacks"), encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            return Number(r.stdout.trim());
        };
        run();
        assert.equal(run(), 0, "the yaml package was loaded although every prod manifest was cached");
    });
});
