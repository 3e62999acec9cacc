/**
 * YAML files read as data, with what was parsed kept on disk as JSON under a hash of the text, so
 * a preview whose app manifests have not changed neither loads the `yaml` package (≈70 modules)
 * nor runs its parser cold (together ≈35 ms of every prod preview; bench/README.md).
 *
 * The cache is `node_modules/.cache/containercloud/yaml/` of the nearest folder above the file
 * that has a package.json (the project whose manifests they are); a file with no such folder above
 * it is parsed every time. An entry is keyed by the text and the parser's version, so a stale entry
 * is never read and deleting the folder is always safe. Text that does not parse is never cached
 * (its error comes from the parser, every time), nor is data JSON cannot hold exactly (`.inf`, `.nan`).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheFolder, writeFileAtomic } from "./disk-cache";

let parserVersion: string | undefined;
function yamlVersion(): string {
    parserVersion ??= (require("yaml/package.json") as { version: string }).version;
    return parserVersion;
}

/** True when JSON text of `v` reads back as `v`: no non-finite number, no -0. */
function jsonExact(v: unknown): boolean {
    if (typeof v === "number") {
        return Number.isFinite(v) && !Object.is(v, -0);
    }
    if (Array.isArray(v)) {
        return v.every(jsonExact);
    }
    if (v !== null && typeof v === "object") {
        return Object.values(v).every(jsonExact);
    }
    return true;
}

/**
 * The data of YAML `text` read from `file` (one document), from the cache when this text was
 * parsed before. Throws the parser's error for text that is not valid YAML.
 */
export function parseYamlCached(text: string, file: string): unknown {
    const dir = cacheFolder(path.dirname(path.resolve(file)), "yaml");
    const entry = dir === undefined
        ? undefined
        : path.join(dir, `${crypto.createHash("sha256").update(`yaml ${yamlVersion()}\n`).update(text).digest("hex")}.json`);
    if (entry !== undefined) {
        try {
            return JSON.parse(fs.readFileSync(entry, "utf8")) as unknown;
        } catch {
            // not cached yet (or unreadable: parsed again below)
        }
    }
    const data = (require("yaml") as typeof import("yaml")).parse(text) as unknown;
    if (entry !== undefined && jsonExact(data)) {
        // Where it cannot be written, the next run parses again.
        writeFileAtomic(entry, JSON.stringify(data));
    }
    return data;
}
