/** The machine's processes, read from /proc (Linux). */
import * as fs from "fs";

/** A process's parent and process group. */
export interface ProcessEntry {
    ppid: number;
    pgid: number;
}

/** Every process now, by pid, from /proc/<pid>/stat (fields 4 and 5). */
export function processTable(): Map<number, ProcessEntry> {
    const out = new Map<number, ProcessEntry>();
    for (const e of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(e)) {
            continue;
        }
        try {
            const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
            // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
            const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            out.set(parseInt(e, 10), { ppid: parseInt(rest[1], 10), pgid: parseInt(rest[2], 10) });
        } catch {
            // the process ended while we looked
        }
    }
    return out;
}

/** A process's command line, its arguments joined by spaces ("" once it has ended). */
export function processCommand(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
        return "";
    }
}
