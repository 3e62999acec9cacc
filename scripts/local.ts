/**
 * `npm run local -- up|down|status`: the local cluster, real nodes on this machine (see
 * scripts/lib/local-cluster.ts). `up` is idempotent; `down` stops every process it started,
 * removes what it made on the host and its data, and forgets the `local` stack's state (its
 * objects went with the cluster).
 */
import { localDown, localStatus, localUp } from "./lib/local-cluster";
import { localCidrs, localStorageClasses } from "./lib/local-stack";
import { pulumiSync } from "./lib/pulumi";
import { ensureToolchain } from "./lib/setup";

async function main(cmd: string | undefined): Promise<number> {
    switch (cmd) {
        case "up":
            await localUp({ storageClasses: localStorageClasses(), cidrs: localCidrs() });
            return 0;
        case "down": {
            await localDown();
            await ensureToolchain();
            pulumiSync(["stack", "rm", "--yes", "--force", "--preserve-config", "-s", "local"], { stack: "local" });
            return 0;
        }
        case "status":
            for (const line of localStatus()) {
                console.log(line);
            }
            return 0;
        default:
            console.error("usage: npm run local -- up|down|status");
            return 2;
    }
}

main(process.argv[2])
    .then((code) => process.exit(code))
    .catch((err: Error) => {
        console.error(`[local] ${err.message}`);
        process.exit(1);
    });
