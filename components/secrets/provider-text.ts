/**
 * The `__provider` text of the secrets' dynamic resources, serialized once per source change
 * instead of once per process.
 *
 * `pulumi.dynamic.Resource` serializes its provider in every process that registers one: the SDK
 * opens a V8 inspector session, receives an event for every script the process has loaded, and
 * walks the provider's closure. That is ≈0.3–0.5 s of every preview and up (see bench/README.md),
 * for a text that only changes when the code in this folder, the SDK or Node.js changes. So the
 * text is cached on disk under a hash of exactly those, and the resources here register the same
 * type token and inputs as `pulumi.dynamic.Resource` would, with the cached text as `__provider`.
 *
 * Only the provider code is cached, never a value: serialization refuses captured secrets
 * (`allowSecrets: false`). The cache is `node_modules/.cache/containercloud/dynamic-providers/`
 * of the package that holds this file; where it cannot be written, the text is serialized as usual.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
// The one local import from outside this folder: the cache's location and file writing, which no
// provider calls or captures.
import { cacheFolder, writeFileAtomic } from "../core/disk-cache";

/** What `pulumi-nodejs` requires of a serialized provider module. */
const HANDLER_EXPORT = "exports.handler";

/** Type token of a dynamic resource, as `pulumi.dynamic.Resource` builds it for module `containercloud`. */
export function dynamicType(type: string): string {
    return `pulumi-nodejs:dynamic/containercloud:${type}`;
}

/**
 * Everything the serialized text depends on: the source of this folder (the providers import
 * nothing local from outside it; test/secrets checks that; this file's cache writing is not part
 * of any provider), the SDK that serializes and the Node.js that runs it. Memoized: computed once
 * per process.
 */
let sourceHash: string | undefined;
function sourcesHash(): string {
    if (sourceHash === undefined) {
        const h = crypto.createHash("sha256");
        h.update(`@pulumi/pulumi ${sdkVersion()}\nnode ${process.version}\n`);
        const ext = path.extname(__filename);
        for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith(ext)).sort()) {
            h.update(`${f}\n`);
            h.update(fs.readFileSync(path.join(__dirname, f)));
        }
        sourceHash = h.digest("hex").slice(0, 32);
    }
    return sourceHash;
}

function sdkVersion(): string {
    return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/** Where the text of `name` is cached (in the package holding this file), or undefined without one. */
export function providerCacheFile(name: string): string | undefined {
    const dir = cacheFolder(__dirname, "dynamic-providers");
    return dir === undefined ? undefined : path.join(dir, `${name}-${sourcesHash()}.js`);
}

function readCached(file: string): string | undefined {
    try {
        const text = fs.readFileSync(file, "utf8");
        return text.includes(HANDLER_EXPORT) ? text : undefined;
    } catch {
        return undefined;
    }
}

async function load(name: string, provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    const file = providerCacheFile(name);
    const cached = file === undefined ? undefined : readCached(file);
    if (cached !== undefined) {
        return cached;
    }
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
    if (file !== undefined) {
        // A read-only install still works: the next process serializes again.
        writeFileAtomic(file, sf.text);
    }
    return sf.text;
}

const texts = new Map<string, Promise<string>>();

/**
 * The serialized text of `provider` (one of this folder's providers, named by its export), from
 * the cache when its sources are unchanged. One promise per provider per process.
 */
export function providerText(name: string, provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    let text = texts.get(name);
    if (text === undefined) {
        text = load(name, provider);
        texts.set(name, text);
    }
    return text;
}
