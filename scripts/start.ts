/**
 * `npm start`: the main job on the embedded default. Sets the toolchain up if needed, then runs a
 * real `pulumi up --yes` of the `local` stack and prints a short summary. Running it again
 * changes nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ensureToolchain } from "./lib/setup";
import { ROOT } from "./lib/paths";
import { elapsed, say } from "./lib/log";
import { pulumiInherit, pulumiSync, selectOrCreateStack } from "./lib/pulumi";
import { yamlFiles } from "./render";
import { KUBECONFIG, localUp } from "./lib/local-cluster";
import { localCidrs, localStorageClasses } from "./lib/local-stack";
import { publishLocalDns } from "./lib/local-dns";

const STACK = "local";

interface Summary {
    resources: number;
    byType: Record<string, number>;
    outputs: Record<string, unknown>;
}

/** Reads what the stack holds now: resource counts by type and the stack outputs. */
export function stackSummary(stack: string): Summary {
    const exp = pulumiSync(["stack", "export", "-s", stack], { stack });
    if (exp.code !== 0) {
        throw new Error(`pulumi stack export failed: ${exp.stderr}`);
    }
    const state = JSON.parse(exp.stdout) as { deployment?: { resources?: { type: string; custom?: boolean; outputs?: Record<string, unknown> }[] } };
    const resources = state.deployment?.resources ?? [];
    const byType: Record<string, number> = {};
    let outputs: Record<string, unknown> = {};
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") {
            outputs = r.outputs ?? {};
            continue;
        }
        if (r.type.startsWith("pulumi:providers:")) {
            continue;
        }
        byType[r.type] = (byType[r.type] ?? 0) + 1;
    }
    const total = Object.values(byType).reduce((a, b) => a + b, 0);
    return { resources: total, byType, outputs };
}

async function main(): Promise<void> {
    const start = Date.now();
    await ensureToolchain();
    const stackDoc = parse(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${STACK}.yaml`), "utf8")) as { config?: Record<string, any> };
    const cluster = stackDoc.config?.["containercloud:cluster"] ?? { mode: "render", renderDir: "out/local" };
    selectOrCreateStack(STACK);
    if (cluster.mode === "local") {
        const fresh = await localUp({ storageClasses: localStorageClasses(), cidrs: localCidrs() });
        if (fresh && stackSummary(STACK).resources > 0) {
            // A new cluster holds none of the objects the state remembers: let Pulumi see that first.
            say("start", "the control plane is new but the stack remembers objects: pulumi refresh --yes");
            await pulumiInherit(["refresh", "--yes", "--skip-preview", "-s", STACK]);
        }
    }
    say("start", `pulumi up --yes -s ${STACK}`);
    const code = await pulumiInherit(["up", "--yes", "--skip-preview", "-s", STACK]);
    if (code !== 0) {
        throw new Error(`pulumi up of the ${STACK} stack failed (exit ${code}); see the output above`);
    }
    if (cluster.mode === "local") {
        const records = publishLocalDns();
        say("start", `local DNS on the nodes: ${Object.entries(records).map(([n, ip]) => `${n} → ${ip}`).join(", ")}`);
    }
    const summary = stackSummary(STACK);
    const components = Object.entries(summary.byType)
        .filter(([t]) => t.startsWith("containercloud:"))
        .map(([t, n]) => `${t.split(":").pop()}${n > 1 ? ` x${n}` : ""}`);
    say("start", `stack ${STACK}: ${summary.resources} resources (${elapsed(Date.now() - start)})`);
    say("start", `components: ${components.join(", ")}`);
    for (const [k, v] of Object.entries(summary.outputs)) {
        say("start", `output ${k}: ${JSON.stringify(v)}`);
    }
    if (cluster.mode === "local") {
        say("start", `cluster: local, real nodes; kubectl --kubeconfig ${path.relative(process.cwd(), KUBECONFIG)} get pods -A -o wide`);
    }
    if (cluster.mode === "render") {
        const dir = path.join(ROOT, cluster.renderDir ?? "out/local");
        say("start", `manifests: ${yamlFiles(dir).length} files in ${path.relative(process.cwd(), dir)}`);
    }
}

if (require.main === module) {
    main().catch((err: Error) => {
        console.error(`[start] ${err.message}`);
        process.exit(1);
    });
}
