/**
 * Every environment's render, made once per `npm test` run and shared by the test files that check
 * it (render, collector configs, Platform Support's config, kube-score): a render is a real
 * `pulumi up` of a render-only stack and takes ~20 s an environment.
 *
 * `npm test` sets CONTAINERCLOUD_RENDER_DIR to a folder of its own and removes it at the end (the
 * manifests hold Secret data in plain text). A test file run alone renders into a temporary folder
 * that is removed when its process exits. Tests only read what was rendered.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { renderEnvironment, yamlFiles } from "../../scripts/render";

/** The environment variable `npm test` sets to the run's render folder. */
export const RENDER_DIR_ENV = "CONTAINERCLOUD_RENDER_DIR";

/** A rendered manifest (any kind). */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

function runFolder(): string {
    const shared = process.env[RENDER_DIR_ENV];
    if (shared) {
        return shared;
    }
    const own = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-render-"));
    process.env[RENDER_DIR_ENV] = own;
    process.on("exit", () => fs.rmSync(own, { recursive: true, force: true }));
    return own;
}

/** The manifest files of `env`'s render, rendering it first when this run has not yet. */
export async function renderedFiles(env: string): Promise<string[]> {
    const dir = path.join(runFolder(), env);
    if (!fs.existsSync(dir)) {
        // Rendered beside and moved in whole, so a file that runs at the same time never reads half
        // a render: the one whose rename lands first wins, the other drops its copy.
        const partial = `${dir}.partial-${process.pid}`;
        await renderEnvironment({ env, out: partial, verbose: false });
        try {
            fs.renameSync(partial, dir);
        } catch (err) {
            fs.rmSync(partial, { recursive: true, force: true });
            if (!fs.existsSync(dir)) {
                throw err;
            }
        }
    }
    return yamlFiles(dir);
}

/** Every manifest of `env`'s render, parsed. */
export async function renderedManifests(env: string): Promise<Manifest[]> {
    const files = await renderedFiles(env);
    return files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, "utf8")).map((d) => d.toJSON() as Manifest)).filter(Boolean);
}
