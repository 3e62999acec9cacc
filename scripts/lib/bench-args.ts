/** The options of `npm run bench` (scripts/bench.ts) and their parsing. */
import * as path from "path";
import { ROOT } from "./paths";

/** Command-line options. */
export interface BenchOptions {
    runs: number;
    quick: boolean;
    sizes: number[];
    env: string;
    skipCli: boolean;
    skipFootprint: boolean;
    out: string;
    /** Node count assumed per environment for DaemonSets. */
    nodeCounts: Record<string, number>;
}

/** Node counts assumed for DaemonSet footprints (no stack config states a node count). */
export const DEFAULT_NODE_COUNTS: Record<string, number> = { local: 1, dev: 1, staging: 3, prod: 5 };

/** Parses the command line. */
export function parseBenchArgs(argv: string[]): BenchOptions {
    const o: BenchOptions = { runs: 5, quick: false, sizes: [10, 100, 1000], env: "prod", skipCli: false, skipFootprint: false, out: path.join(ROOT, "bench", "results"), nodeCounts: { ...DEFAULT_NODE_COUNTS } };
    let runsSet = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const value = () => inline ?? argv[++i] ?? "";
        switch (flag) {
            case "--runs":
                o.runs = parseInt(value(), 10);
                runsSet = true;
                if (!(o.runs >= 1)) {
                    throw new Error("--runs takes a number of runs (1 or more)");
                }
                break;
            case "--quick":
                o.quick = true;
                break;
            case "--sizes":
                o.sizes = value().split(",").map((s) => parseInt(s, 10)).filter((n) => n > 0).sort((a, b) => a - b);
                break;
            case "--env":
                o.env = value();
                break;
            case "--skip-cli":
                o.skipCli = true;
                break;
            case "--skip-footprint":
                o.skipFootprint = true;
                break;
            case "--out":
                o.out = path.resolve(value());
                break;
            case "--nodes":
                // --nodes prod=5,staging=3
                for (const kv of value().split(",")) {
                    const [k, v] = kv.split("=");
                    o.nodeCounts[k] = parseInt(v, 10);
                }
                break;
            default:
                throw new Error(`unknown argument ${a} (see the head of scripts/bench.ts)`);
        }
    }
    if (o.quick && !runsSet) {
        o.runs = 2;
    }
    return o;
}
