import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { randomSecretProvider } from "../../components/secrets/random-secret";
import { dynamicType, providerCacheFile, providerText } from "../../components/secrets/provider-text";
import { loadSerializedProvider } from "../helpers/dynamic-provider";

const ROOT = path.resolve(__dirname, "../..");
const SECRETS = path.join(ROOT, "components", "secrets");

describe("provider text cache", () => {
    it("names the same type token as pulumi.dynamic.Resource for module containercloud", () => {
        assert.equal(dynamicType("RandomSecret"), "pulumi-nodejs:dynamic/containercloud:RandomSecret");
    });

    it("caches exactly what the SDK serializes, as a module whose handler still creates passwords", async () => {
        const text = await providerText("randomSecretProvider", randomSecretProvider);
        // as pulumi.dynamic.Resource serializes it: a closure over its `provider` parameter
        const serialize = (provider: pulumi.dynamic.ResourceProvider) => pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        const fresh = await serialize(randomSecretProvider);
        assert.equal(text, fresh.text);
        const file = providerCacheFile("randomSecretProvider")!;
        assert.equal(fs.readFileSync(file, "utf8"), text);
        const r = await loadSerializedProvider(text).create({ length: 12, charset: "hex", bcrypt: false, generation: 0 });
        assert.match(r.outs.result, /^[0-9a-f]{12}$/);
    });

    it("reads the cached file in a new process instead of serializing again", async () => {
        const file = providerCacheFile("randomSecretProvider")!;
        await providerText("randomSecretProvider", randomSecretProvider);
        const original = fs.readFileSync(file, "utf8");
        // A marker the serializer would never write: if the child returns it, it read the cache.
        const marked = `${original}\n// cache-read-marker\n`;
        fs.writeFileSync(file, marked);
        try {
            const script = [
                `const p = require(${JSON.stringify(path.join(SECRETS, "provider-text.ts"))});`,
                `const r = require(${JSON.stringify(path.join(SECRETS, "random-secret.ts"))});`,
                `p.providerText("randomSecretProvider", r.randomSecretProvider).then((t) => console.log(t.includes("cache-read-marker") ? "HIT" : "MISS"));`,
            ].join("\n");
            const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8" });
            assert.equal(child.status, 0, child.stderr);
            assert.equal(child.stdout.trim(), "HIT");
        } finally {
            fs.writeFileSync(file, original);
        }
    });

    it("keys the cache on every source the providers can capture: they import nothing local from outside their folder", () => {
        for (const f of fs.readdirSync(SECRETS).filter((n) => n.endsWith(".ts"))) {
            const src = fs.readFileSync(path.join(SECRETS, f), "utf8");
            for (const m of src.matchAll(/(?:from|require\()\s*"(\.[^"]*)"/g)) {
                // The cache's own location and file writing, in provider-text.ts: not code any provider runs or captures.
                const cacheWriting = f === "provider-text.ts" && m[1] === "../core/disk-cache";
                assert.ok(m[1].startsWith("./") || cacheWriting, `${f} imports ${m[1]}, outside components/secrets: the provider cache key would miss it`);
            }
        }
    });
    it("serializes the same text in a Pulumi run (stacks/ts-register.cjs, which bundles the program) as under tsx", async () => {
        const serialize = (provider: pulumi.dynamic.ResourceProvider) => pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        const underTsx = (await serialize(randomSecretProvider)).text;
        // The program first, as Pulumi loads it; then the provider module it uses, from Node's module cache.
        const script = [
            "require('./platform');",
            `const file = ${JSON.stringify(path.join(SECRETS, "random-secret.ts"))};`,
            "const loadedAlone = require.cache[file] !== undefined;",
            "const { randomSecretProvider } = require(file);",
            // Written as tsx prints this file's own closure above (whitespace minified): the text includes it.
            "const serialize = (provider) => require('@pulumi/pulumi').runtime.serializeFunction(()=>provider, { allowSecrets: false });",
            "serialize(randomSecretProvider).then((sf) => console.log(JSON.stringify({ loadedAlone, text: sf.text })));",
        ].join("\n");
        const child = spawnSync(process.execPath, ["--require", "./ts-register.cjs", "-e", script], { cwd: path.join(ROOT, "stacks"), encoding: "utf8", maxBuffer: 1 << 26 });
        assert.equal(child.status, 0, child.stderr);
        const out = JSON.parse(child.stdout) as { loadedAlone: boolean; text: string };
        assert.ok(out.loadedAlone, "the program's bundle left components/secrets to be loaded file by file");
        assert.equal(out.text, underTsx);
    });
});
