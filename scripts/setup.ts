/**
 * `npm run setup`: makes sure of the npm dependencies and a real Pulumi toolchain at the versions
 * package.json pins — the CLI, the Node.js language host and the kubernetes resource plugin —
 * building each from its Go module when it is not installed. Idempotent; a warm run takes seconds.
 */
import { ensureToolchain } from "./lib/setup";

ensureToolchain().catch((err: Error) => {
    console.error(`[setup] ${err.message}`);
    process.exit(1);
});
