/** Reading stack files (`stacks/Pulumi.<stack>.yaml`) without running Pulumi. */
import * as fs from "fs";
import { parse } from "yaml";
import { PROJECT } from "../../stacks/config";

/** The `containercloud:*` config of a stack file, keys unprefixed, or an error sentence. */
export function readStackConfig(file: string): { ok: true; raw: Record<string, unknown> } | { ok: false; error: string } {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return { ok: false, error: "file not found" };
    }
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (err) {
        return { ok: false, error: `not valid YAML: ${(err as Error).message.split("\n")[0]}` };
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        return { ok: false, error: "expected a mapping with a `config:` key" };
    }
    const config = (doc as Record<string, unknown>).config ?? {};
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        return { ok: false, error: "`config:` must be a mapping of keys to values" };
    }
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
        const [ns, ...rest] = k.split(":");
        if (ns === PROJECT && rest.length > 0) {
            raw[rest.join(":")] = v;
        }
    }
    return { ok: true, raw };
}

/**
 * A stack's config as the Pulumi engine hands it to the program (`pulumi.runtime.allConfig()`):
 * keys prefixed with the project, objects and lists as JSON text, scalars as plain strings.
 */
export function engineConfig(raw: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
        out[`${PROJECT}:${k}`] = v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
    }
    return out;
}
