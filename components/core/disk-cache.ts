/**
 * The program's disk caches (dynamic-provider text, parsed YAML): where they live and how their
 * files are written, so that concurrent processes may read them at any moment.
 */
import * as fs from "fs";
import * as path from "path";

/** The nearest folder at or above each asked-for folder that has a package.json (null: none). */
const roots = new Map<string, string | null>();

function packageRootAbove(dir: string): string | null {
    let root = roots.get(dir);
    if (root === undefined) {
        root = null;
        for (let d = dir; ; d = path.dirname(d)) {
            if (fs.existsSync(path.join(d, "package.json"))) {
                root = d;
                break;
            }
            if (path.dirname(d) === d) {
                break;
            }
        }
        roots.set(dir, root);
    }
    return root;
}

/**
 * `node_modules/.cache/containercloud/<kind>` of the nearest package at or above `dir` (memoized per
 * folder), or undefined where no folder above has a package.json: the caller then works uncached.
 */
export function cacheFolder(dir: string, kind: string): string | undefined {
    const root = packageRootAbove(dir);
    return root === null ? undefined : path.join(root, "node_modules", ".cache", "containercloud", kind);
}

/**
 * Writes `text` beside `file` and renames it into place, so a concurrent reader sees the old file,
 * no file, or the whole new one, never half of it. Returns false instead of throwing when the
 * folder cannot be written (a read-only install): a cache then just misses next time.
 */
export function writeFileAtomic(file: string, text: string): boolean {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
        return true;
    } catch {
        return false;
    }
}
