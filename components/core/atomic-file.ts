/** Writing cache files that concurrent processes may read at any moment. */
import * as fs from "fs";
import * as path from "path";

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
