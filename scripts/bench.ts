/**
 * `npm run bench [-- --runs N | --quick] [--sizes 10,100,1000] [--env prod] [--skip-cli] [--skip-footprint]`:
 * how fast and lean the blueprint is, side by side with the floor. Writes bench/results/latest.md
 * and latest.json (see bench/README.md for the method).
 *
 * 1. evaluation of the environment's program under mocks vs a floor that registers the very same
 *    resources with plain constructors (child process per run: cold start, own peak RSS);
 * 2. the same with 10/100/1,000 generated apps (or tenants while the config cannot carry apps);
 * 3. the real CLI: a first preview of a render-only throwaway stack, and a no-change preview after `up`;
 * 4. the platform's own CPU/memory requests and limits per environment, from rendered manifests.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { ROOT } from "./lib/paths";
import { parse as parseYaml } from "yaml";
import { elapsed, say } from "./lib/log";
import { Stat, TargetResult, checkTarget, fmtBytes, fmtRatio, fmtSeconds, growthRatio, ratio, summarize } from "./lib/bench-stats";
import { BenchResults, CliFigure, EvalComparison, MachineInfo, renderMarkdown } from "./lib/bench-report";
import { FootprintReport, KubeObject, footprintOf } from "./lib/bench-footprint";
import { CommandMeasure, createThrowawayStack, measurePulumi, pulumiVersion } from "./lib/bench-cli";
import { engineConfig, readStackConfig } from "./lib/stack-file";
import type { EvalRequest, EvalResult } from "../bench/eval-child";
import { BenchOptions, parseBenchArgs } from "./lib/bench-args";

const BENCH_DIR = path.join(ROOT, "bench");
const SCRATCH = path.join(BENCH_DIR, ".scratch");
const CHILD = path.join(BENCH_DIR, "eval-child.ts");

/**
 * How Pulumi starts the program: node with `runtime.options.nodeargs` of Pulumi.yaml, in the folder
 * of its `main` (where a relative `--require` resolves). The program and the floor both run exactly
 * so, so the comparison is of the code alone.
 */
function programLaunch(): { nodeArgs: string[]; cwd: string } {
    const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string; runtime?: { options?: { nodeargs?: string } } };
    const nodeArgs = (project.runtime?.options?.nodeargs ?? "").split(/\s+/).filter((a) => a !== "");
    if (!nodeArgs.some((a) => a === "tsx" || a.startsWith("tsx/"))) {
        throw new Error(`Pulumi.yaml runtime.options.nodeargs (${nodeArgs.join(" ")}) loads no TypeScript loader (tsx); bench/eval-child.ts is TypeScript`);
    }
    return { nodeArgs, cwd: path.dirname(path.join(ROOT, project.main ?? "index.ts")) };
}

/** The environment's stack config in the engine's shape, read once per environment. */
const engineConfigs = new Map<string, Record<string, string>>();

function configOf(env: string): Record<string, string> {
    let config = engineConfigs.get(env);
    if (config === undefined) {
        const read = readStackConfig(path.join(ROOT, "stacks", `Pulumi.${env}.yaml`));
        if (!read.ok) {
            throw new Error(`stacks/Pulumi.${env}.yaml: ${read.error}`);
        }
        config = engineConfig(read.raw);
        engineConfigs.set(env, config);
    }
    return config;
}

function runChild(request: EvalRequest): Promise<EvalResult> {
    const req: EvalRequest = request.mode === "program" ? { ...request, config: configOf(request.env) } : request;
    return new Promise((resolve, reject) => {
        const launch = programLaunch();
        const child = spawn(process.execPath, [...launch.nodeArgs, CHILD, JSON.stringify(req)], { cwd: launch.cwd, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => {
            const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
            if (code === 0 && line) {
                resolve(JSON.parse(line.slice("BENCH_RESULT ".length)) as EvalResult);
                return;
            }
            const e = out.split("\n").find((l) => l.startsWith("BENCH_ERROR "));
            reject(new Error(e ? (JSON.parse(e.slice("BENCH_ERROR ".length)) as string) : `child exited ${code}:\n${out}\n${err}`.slice(0, 4000)));
        });
    });
}

type Phases = EvalComparison["program"];

function phases(results: EvalResult[]): Phases {
    const s = (f: (r: EvalResult) => number): Stat => summarize(results.map(f));
    return {
        totalMs: s((r) => r.totalMs),
        rssBytes: s((r) => r.maxRssBytes),
        bootMs: s((r) => r.bootMs),
        mocksMs: s((r) => r.mocksMs),
        loadMs: s((r) => r.loadMs),
        buildMs: s((r) => r.buildMs),
        settleMs: s((r) => r.settleMs),
    };
}

/** Records the floor fixture at one size, then measures program and floor alternately. */
async function compare(o: BenchOptions, size: number, scale: "apps" | "tenants"): Promise<EvalComparison> {
    const fixture = path.join(SCRATCH, `floor-${o.env}-${scale}-${size}.json`);
    const recorded = await runChild({ mode: "program", env: o.env, size, scale, fixture, scratch: SCRATCH });
    const program: EvalResult[] = [];
    const floor: EvalResult[] = [];
    for (let i = 0; i < o.runs; i++) {
        // Alternate, so drift in the machine's load hits both sides alike.
        program.push(await runChild({ mode: "program", env: o.env, size, scale, scratch: SCRATCH }));
        floor.push(await runChild({ mode: "floor", env: o.env, fixture }));
    }
    for (const f of floor) {
        if (f.resources !== recorded.resources) {
            throw new Error(`the floor registered ${f.resources} resources, the program ${recorded.resources}: the replay is not faithful`);
        }
    }
    const p = phases(program);
    const f = phases(floor);
    const extra = (x: Phases) => x.loadMs.median + x.buildMs.median + x.settleMs.median;
    return {
        size,
        scaledBy: recorded.scaledBy,
        resources: recorded.resources,
        apps: recorded.apps,
        program: p,
        floor: f,
        timeRatio: ratio(p.totalMs.median, f.totalMs.median),
        memoryRatio: ratio(p.rssBytes.median, f.rssBytes.median),
        extraMs: extra(p) - (f.buildMs.median + f.settleMs.median),
    };
}

/** Whether the stack config and program take generated apps; the reason when not. */
async function appsSupported(o: BenchOptions, baselineApps: number): Promise<{ ok: boolean; reason: string }> {
    try {
        const r = await runChild({ mode: "program", env: o.env, size: 3, scale: "apps", scratch: SCRATCH });
        if (r.apps >= baselineApps + 3) {
            return { ok: true, reason: r.scaledBy };
        }
        return { ok: false, reason: `the config accepted apps (${r.scaledBy}) but buildPlatform registered ${r.apps - baselineApps} more App components for 3 generated apps` };
    } catch (e) {
        return { ok: false, reason: (e as Error).message.split("\n")[0] };
    }
}

function packageVersion(name: string): string {
    try {
        return (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    } catch {
        return "not installed";
    }
}

function machineInfo(): MachineInfo {
    const git = (args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    const pkgs = ["@pulumi/pulumi", "@pulumi/kubernetes", "zod", "yaml", "tsx", "typescript"];
    const plugins = path.join(ROOT, ".state", "pulumi-home", "plugins");
    const k8sPlugin = fs.existsSync(plugins) ? fs.readdirSync(plugins).find((p) => /^resource-kubernetes-v[\d.]+$/.test(p)) : undefined;
    return {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryBytes: os.totalmem(),
        loadAverage: os.loadavg(),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
        pulumiCli: pulumiVersion() ?? "not set up",
        packages: {
            ...Object.fromEntries(pkgs.map((p) => [p, packageVersion(p)])),
            "kubernetes provider plugin": k8sPlugin?.replace("resource-kubernetes-", "") ?? "not installed",
        },
        gitCommit: git(["rev-parse", "--short", "HEAD"]),
        gitDirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
    };
}

async function measureCli(o: BenchOptions): Promise<BenchResults["cli"]> {
    const s = createThrowawayStack(o.env);
    try {
        let lastStdout = "";
        const fig = async (label: string, args: string[]): Promise<CliFigure> => {
            const runs: CommandMeasure[] = [];
            for (let i = 0; i < o.runs; i++) {
                const m = await measurePulumi(s, args);
                if (m.code !== 0) {
                    throw new Error(`pulumi ${args.join(" ")} failed (exit ${m.code}):\n${(m.stdout + m.stderr).slice(-3000)}`);
                }
                runs.push(m);
                lastStdout = m.stdout;
                say("bench", `  ${label} run ${i + 1}/${o.runs}: ${fmtSeconds(m.wallMs)}, tree ${fmtBytes(m.peakTreeRssBytes)}`);
            }
            const largest = runs.map((r) => r.maxRssLargestBytes).filter((x): x is number => x !== undefined);
            return {
                command: label,
                wallMs: summarize(runs.map((r) => r.wallMs)),
                maxRssLargestBytes: largest.length === runs.length ? summarize(largest) : undefined,
                peakTreeRssBytes: summarize(runs.map((r) => r.peakTreeRssBytes)),
            };
        };
        const first = await fig(`pulumi preview (${o.env}, render-only, empty stack)`, ["preview", "--diff=false"]);
        const up = await measurePulumi(s, ["up", "--yes", "--skip-preview"]);
        if (up.code !== 0) {
            throw new Error(`pulumi up failed (exit ${up.code}):\n${(up.stdout + up.stderr).slice(-3000)}`);
        }
        say("bench", `  up: ${fmtSeconds(up.wallMs)}`);
        const noChange = await fig(`pulumi preview --expect-no-changes (${o.env}, after up)`, ["preview", "--expect-no-changes"]);
        const unchanged = /(\d+) unchanged/.exec(lastStdout);
        return { env: o.env, figures: [first, noChange], upMs: up.wallMs, resources: unchanged ? parseInt(unchanged[1], 10) : undefined };
    } finally {
        s.dispose();
    }
}

async function measureFootprint(o: BenchOptions): Promise<BenchResults["footprint"]> {
    const { renderEnvironment } = await import("./render");
    const { parseAllDocuments } = await import("yaml");
    const envs: Record<string, FootprintReport & { manifests: number }> = {};
    const order = ["local", "dev", "staging", "prod"].filter((e) => fs.existsSync(path.join(ROOT, "stacks", `Pulumi.${e}.yaml`)));
    for (const env of order) {
        const out = path.join(SCRATCH, "render", env);
        const files = await renderEnvironment({ env, out, verbose: false });
        const objects: KubeObject[] = [];
        for (const f of files) {
            for (const d of parseAllDocuments(fs.readFileSync(f, "utf8"))) {
                const o = d.toJS() as KubeObject | null;
                if (o) {
                    objects.push(o);
                }
            }
        }
        envs[env] = { ...footprintOf(objects, o.nodeCounts[env] ?? 1), manifests: files.length };
        say("bench", `  ${env}: ${files.length} manifests`);
    }
    return { nodeCounts: Object.fromEntries(order.map((e) => [e, o.nodeCounts[e] ?? 1])), envs };
}

function crashedTarget(t: TargetResult, crashed: boolean): TargetResult {
    return crashed ? { ...t, value: "the run failed (see notes)", pass: false } : t;
}

function targets(r: BenchResults, o: BenchOptions): TargetResult[] {
    const s = (n: number) => fmtSeconds(n);
    const byteFmt = (n: number) => fmtBytes(n);
    const cores = (n: number) => `${n} CPU`;
    const gib = (n: number) => `${Number(n.toFixed(2))} GiB`;
    const ratioFmt = (n: number) => fmtRatio(n);
    const big = r.scale.sizes.find((c) => c.size === 1000);
    const crashed = r.scale.failed[1000] !== undefined;
    const noChange = r.cli?.figures.find((f) => f.command.includes("--expect-no-changes"));
    const dev = r.footprint?.envs.dev;
    return [
        checkTarget(`evaluation time vs floor (${o.env})`, r.overhead?.timeRatio, 1.35, ratioFmt),
        checkTarget(`evaluation peak memory vs floor (${o.env})`, r.overhead?.memoryRatio, 1.35, ratioFmt),
        crashedTarget(checkTarget(`1,000 ${r.scale.axis} under mocks: time`, big?.program.totalMs.median, 30000, s, true), crashed),
        crashedTarget(checkTarget(`1,000 ${r.scale.axis} under mocks: peak memory`, big?.program.rssBytes.median, 2 * 2 ** 30, byteFmt, true), crashed),
        checkTarget(`time(1000)/time(100) (${r.scale.axis})`, r.scale.growth?.large === 1000 && r.scale.growth.small === 100 ? r.scale.growth.timeRatio : undefined, 11, ratioFmt),
        checkTarget(`no-change real preview (${o.env})`, noChange?.wallMs.median, 20000, s, true),
        checkTarget("dev footprint: CPU requests", dev ? dev.steady.requests.cpuMillis / 1000 : undefined, 2, cores),
        checkTarget("dev footprint: memory requests", dev ? dev.steady.requests.memoryBytes / 2 ** 30 : undefined, 4, gib),
    ];
}

function writeAtomic(file: string, text: string): void {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
}

async function main(): Promise<void> {
    const start = Date.now();
    const o = parseBenchArgs(process.argv.slice(2));
    fs.mkdirSync(SCRATCH, { recursive: true });
    fs.mkdirSync(o.out, { recursive: true });
    const notes: string[] = [];
    const machine = machineInfo();
    say("bench", `${o.runs} runs per figure, env ${o.env}, sizes ${o.sizes.join(", ")}; ${machine.cpus} CPUs, load ${machine.loadAverage[0].toFixed(2)}`);

    say("bench", "1. evaluation vs floor");
    const overhead = await compare(o, 0, "tenants");
    say("bench", `  ${overhead.resources} resources: program ${fmtSeconds(overhead.program.totalMs.median)}, floor ${fmtSeconds(overhead.floor.totalMs.median)} (${fmtRatio(overhead.timeRatio)}); RSS ${fmtBytes(overhead.program.rssBytes.median)} vs ${fmtBytes(overhead.floor.rssBytes.median)} (${fmtRatio(overhead.memoryRatio)})`);

    say("bench", "2. scale");
    const support = await appsSupported(o, overhead.apps);
    const axis: "apps" | "tenants" = support.ok ? "apps" : "tenants";

    const scaleNote = support.ok
        ? `Generated apps (scripts/lib/bench-apps.ts: web + every 3rd a worker, every 4th autoscaled, every 5th binds postgres, every 7th redis, every 6th a cron job, every 10th a canary) carried by ${support.reason}, on top of the environment's own ${overhead.apps} apps; 25 per generated team (one namespace each, inside the default quota).`
        : `**Scaled tenants instead of apps**: ${support.reason}. Each size adds that many teams of one namespace. The app generator (scripts/lib/bench-apps.ts, valid under appManifestSchema) is ready and is used as soon as the stack config and buildPlatform take apps.`;
    const sizes: EvalComparison[] = [];
    const failed: Record<number, string> = {};
    for (const size of o.sizes) {
        try {
            const c = await compare(o, size, axis);
            sizes.push(c);
            say("bench", `  ${size} ${axis}: ${c.resources} resources, program ${fmtSeconds(c.program.totalMs.median)} / ${fmtBytes(c.program.rssBytes.median)}, floor ${fmtSeconds(c.floor.totalMs.median)} / ${fmtBytes(c.floor.rssBytes.median)}`);
        } catch (e) {
            // A size that crashes (e.g. out of heap) is a finding, not a reason to lose the others.
            failed[size] = (e as Error).message.split("\n").slice(0, 3).join(" ");
            notes.push(`Scale ${size} ${axis} failed: ${failed[size]}`);
            say("bench", `  ${size} ${axis}: FAILED ${failed[size]}`);
        }
    }
    const small = o.sizes.includes(100) ? 100 : o.sizes[o.sizes.length - 2];
    const large = o.sizes.includes(1000) ? 1000 : o.sizes[o.sizes.length - 1];
    const bySize = (f: (c: EvalComparison) => number) => new Map(sizes.map((c) => [c.size, f(c)]));
    const growth = small !== undefined && large !== undefined && small !== large
        ? { small, large, timeRatio: growthRatio(bySize((c) => c.program.totalMs.median), small, large), memoryRatio: growthRatio(bySize((c) => c.program.rssBytes.median), small, large) }
        : undefined;

    const results: BenchResults = {
        generatedAt: new Date().toISOString(),
        command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
        runs: o.runs,
        quick: o.quick,
        env: o.env,
        machine,
        overhead,
        scale: { axis, note: scaleNote, sizes, growth, failed },
        targets: [],
        notes,
    };

    if (!o.skipCli) {
        say("bench", "3. real CLI");
        try {
            results.cli = await measureCli(o);
        } catch (e) {
            notes.push(`Real CLI not measured: ${(e as Error).message.split("\n")[0]}`);
            say("bench", `  skipped: ${(e as Error).message}`);
        }
    }
    if (!o.skipFootprint) {
        say("bench", "4. footprint (render of every environment)");
        try {
            results.footprint = await measureFootprint(o);
        } catch (e) {
            notes.push(`Footprint not measured: ${(e as Error).message.split("\n")[0]}`);
            say("bench", `  skipped: ${(e as Error).message}`);
        }
    }
    const launch = programLaunch();
    notes.push(
        `Under mocks both sides run as \`node ${launch.nodeArgs.join(" ")}\` child processes in \`${path.relative(ROOT, launch.cwd)}/\` (the nodeargs of Pulumi.yaml, in the folder of its main, as Pulumi starts the program) with the same recording mocks (scripts/lib/bench-mocks.ts); start → settled counts from process start. The floor's fixture read is subtracted from its time (the program has no such step), but the parsed fixture stays in the floor's memory, which slightly favours the program's memory ratio.`,
        "The program is evaluated without a kubernetes provider resource (buildPlatform(config) as the unit tests do); the CLI figures include it.",
    );
    results.targets = targets(results, o);

    writeAtomic(path.join(o.out, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeAtomic(path.join(o.out, "latest.md"), `${renderMarkdown(results)}\n`);
    for (const t of results.targets) {
        say("bench", `${t.pass === undefined ? "n/a " : t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.value} (${t.limit})`);
    }
    say("bench", `wrote ${path.relative(process.cwd(), path.join(o.out, "latest.md"))} and latest.json in ${elapsed(Date.now() - start)}`);
}

if (require.main === module) {
    main().catch((e: Error) => {
        console.error(`[bench] ${e.stack ?? e.message}`);
        process.exit(1);
    });
}
