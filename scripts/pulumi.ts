/**
 * `npm run pulumi -- <args>`: the real Pulumi CLI with the project's defaults (local file backend
 * in .state/backend, PULUMI_HOME in .state/pulumi-home, no plugin downloads or update checks, and the
 * passphrase rules of scripts/lib/pulumi.ts).
 */
import { PassphraseRequiredError, pulumiInherit } from "./lib/pulumi";

const args = process.argv.slice(2);
pulumiInherit(args)
    .then((code) => process.exit(code))
    .catch((err: Error) => {
        console.error(err instanceof PassphraseRequiredError ? `refusing to run: ${err.message}` : err.message);
        process.exit(2);
    });
