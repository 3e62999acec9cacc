/**
 * `npm run check-config -- FILE...`: validates stack files against the config schema, and the stack's
 * apps against that config (the checks the program runs first), without running Pulumi. Prints one line per problem (file, key path, bad value, what is allowed) and exits 1 if
 * any file has a problem. Never prints a stack trace.
 */
import * as path from "path";
import { formatIssue, parsePlatformConfig } from "../stacks/config";
import { readStackConfig } from "./lib/stack-file";
import { stackApps } from "../stacks/config/apps";
import { ROOT } from "./lib/paths";

function main(files: string[]): number {
    if (files.length === 0) {
        console.error("usage: npm run check-config -- stacks/Pulumi.<stack>.yaml [more files]");
        return 2;
    }
    let bad = 0;
    for (const file of files) {
        const shown = path.relative(process.cwd(), path.resolve(file)) || file;
        const read = readStackConfig(file);
        if (!read.ok) {
            console.log(`${shown}: ${read.error}`);
            bad++;
            continue;
        }
        const result = parsePlatformConfig(read.raw);
        if (result.ok) {
            // The stack's apps too, checked against this config as the program checks them.
            const apps = stackApps(result.config, ROOT);
            if (apps.ok) {
                console.log(`${shown}: ok (${result.config.environment}, ${apps.apps.length} apps)`);
                continue;
            }
            bad++;
            for (const e of apps.errors) {
                console.log(`${shown}: ${e}`);
            }
            continue;
        }
        bad++;
        for (const issue of result.issues) {
            console.log(`${shown}: ${formatIssue(issue)}`);
        }
    }
    return bad === 0 ? 0 : 1;
}

try {
    process.exit(main(process.argv.slice(2)));
} catch (err) {
    // A bug in the checker itself: still one line, no stack trace.
    console.error(`check-config: internal error: ${(err as Error).message}`);
    process.exit(3);
}
