/**
 * One measured evaluation, in its own process so every run starts cold and `maxRSS` is its own:
 *
 *   node <nodeargs of Pulumi.yaml> bench/eval-child.ts '<json EvalRequest>'
 *
 * `program`: installs the bench mocks, reads and parses the environment's stack config (plus
 * generated apps or tenants), calls `buildPlatform`, waits until every registration is answered.
 * `floor`: installs the same mocks, then replays a recorded fixture with plain constructors.
 * Prints one line `BENCH_RESULT <json EvalResult>` and exits.
 */
import { performance } from "perf_hooks";
// Taken before anything else is loaded: the time node and the TypeScript hook needed to get here.
const bootMs = performance.now();

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { BenchRecorder } from "../scripts/lib/bench-mocks";
import { FloorFixture, replayFloor } from "../scripts/lib/bench-floor";
import type { ParseResult } from "../stacks/config";
import { appConfigCandidates, appManifestYaml, benchApps, benchTeams, benchTenants } from "../scripts/lib/bench-apps";

/** What the parent asks for. */
export interface EvalRequest {
    mode: "program" | "floor";
    /** Environment whose stack file is evaluated (program mode). */
    env: string;
    /**
     * Program mode: the environment's stack config as the Pulumi engine hands it to a program
     * (`pulumi.runtime.allConfig()`: prefixed keys, objects as JSON text). The parent reads the
     * stack file, as the CLI does, so the child parses no YAML that a real run would not.
     */
    config?: Record<string, string>;
    /** Generated apps (or tenants) to add (program mode). @default 0 */
    size?: number;
    /** What to scale when size > 0: apps if the config can carry them, else tenants. */
    scale?: "apps" | "tenants";
    /** Floor mode: the fixture to replay. Program mode: where to write the recorded fixture, if set. */
    fixture?: string;
    /** Scratch folder for generated app manifests. */
    scratch?: string;
}

/** What the child reports. */
export interface EvalResult {
    mode: "program" | "floor";
    /** Process start to the first line of this script (node + the TypeScript hook of Pulumi.yaml). */
    bootMs: number;
    /** Loading @pulumi/pulumi and installing the mocks (identical in both modes). */
    mocksMs: number;
    /** Loading the program's modules (program) or the fixture (floor). */
    loadMs: number;
    /** Parsing config and constructing resources (program) or the replay loop (floor). */
    buildMs: number;
    /** From the end of construction until every registration is answered. */
    settleMs: number;
    /** Process start to settled, minus the floor's fixture load (which the program has no equivalent of). */
    totalMs: number;
    /** Peak resident set size of this process, bytes. */
    maxRssBytes: number;
    /** Registrations answered by the mocks. */
    resources: number;
    /** Registrations of App components. */
    apps: number;
    /** How the scale was applied (program mode). */
    scaledBy: string;
    /** Provider function calls made under the mocks. */
    calls: number;
}

function fail(msg: string): never {
    console.log(`BENCH_ERROR ${JSON.stringify(msg)}`);
    process.exit(1);
}

process.on("unhandledRejection", (e) => fail(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
process.on("uncaughtException", (e) => fail(`uncaught exception: ${e.stack ?? String(e)}`));

async function runProgram(req: EvalRequest, rec: BenchRecorder): Promise<Measured> {
    const t0 = performance.now();
    // Required here, not imported at the top: the floor's child must not load the program.
    const program = {
        ...(require("../stacks/config") as typeof import("../stacks/config")),
        ...(require("../stacks/platform") as typeof import("../stacks/platform")),
    };
    const t1 = performance.now();

    if (req.config === undefined) {
        fail("program mode needs the stack's config (EvalRequest.config)");
    }
    const raw = program.fromPulumiConfig(req.config);
    const size = req.size ?? 0;
    let scaledBy = "none";
    let config: ParseResult;
    if (size > 0) {
        // Apps need teams to live in (25 per team, inside the default quota); the tenant scale adds one team per unit.
        const tenancy = (raw.tenancy ?? {}) as { teams?: Record<string, unknown> };
        const extra = req.scale === "apps" ? benchTeams(size) : benchTenants(size);
        raw.tenancy = { ...tenancy, teams: { ...(tenancy.teams ?? {}), ...extra } };
    }
    if (size > 0 && req.scale === "apps") {
        const apps = benchApps(size);
        const dir = path.join(req.scratch ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-apps-")), `apps-${size}`);
        const problems: string[] = [];
        config = { ok: false, issues: [] };
        for (const c of appConfigCandidates(raw.apps, apps, dir)) {
            if (c.how.includes(".dir")) {
                // Harness work, written only for the shape that reads files (inline comes first and is taken).
                fs.mkdirSync(dir, { recursive: true });
                apps.forEach((a) => fs.writeFileSync(path.join(dir, `${a.name as string}.yaml`), appManifestYaml(a)));
            }
            const r = program.parsePlatformConfig({ ...raw, apps: c.apps });
            if (r.ok) {
                config = r;
                scaledBy = c.how;
                break;
            }
            problems.push(`${c.how}: ${r.issues.slice(0, 2).map(program.formatIssue).join("; ")}`);
        }
        if (!config.ok) {
            fail(`the stack config does not accept generated apps in any known shape:\n${problems.join("\n")}`);
        }
    } else {
        if (size > 0) {
            scaledBy = `tenancy.teams (+${size} teams of one namespace)`;
        }
        config = program.parsePlatformConfig(raw);
    }
    if (!config.ok) {
        fail(`invalid stack config:\n${config.issues.map(program.formatIssue).join("\n")}`);
    }
    // As stacks/index.ts constructs it.
    return constructAndSettle(rec, { t0, t1 }, () => program.buildPlatform(config.config), scaledBy);
}

async function runFloor(req: EvalRequest, rec: BenchRecorder): Promise<Measured> {
    const t0 = performance.now();
    const fixture = JSON.parse(fs.readFileSync(req.fixture!, "utf8")) as FloorFixture;
    const t1 = performance.now();
    const p = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    // CustomResource is abstract in the typings only; an empty subclass adds no behaviour.
    class FloorCustom extends p.CustomResource {}
    return constructAndSettle(rec, { t0, t1 }, () => replayFloor<pulumi.Resource>(fixture.resources, {
        custom: (type, name, inputs, opts) => new FloorCustom(type, name, inputs, opts),
        component: (type, name, opts) => new p.ComponentResource(type, name, {}, opts),
    }), fixture.scaled);
}

/** What a run measures besides boot, mocks and memory. */
type Measured = Omit<EvalResult, "bootMs" | "mocksMs" | "maxRssBytes" | "totalMs" | "mode">;

/**
 * Constructs, waits until every registration is answered, and reports the phases: loading from
 * `t0` to `t1`, then everything up to the end of construction (config parsing included), then settling.
 */
async function constructAndSettle(rec: BenchRecorder, t: { t0: number; t1: number }, build: () => unknown, scaledBy: string): Promise<Measured> {
    build();
    const t2 = performance.now();
    await settle(rec);
    const t3 = performance.now();
    return {
        loadMs: t.t1 - t.t0,
        buildMs: t2 - t.t1,
        settleMs: t3 - t2,
        resources: rec.resources.length,
        apps: rec.resources.filter((r) => r.type === "containercloud:appengine:App").length,
        scaledBy,
        calls: rec.calls.length,
    };
}

/** Waits for Pulumi's RPC queue, then once more if anything registered late (e.g. from an apply). */
async function settle(rec: BenchRecorder): Promise<void> {
    for (;;) {
        const n = rec.resources.length;
        await rec.settled();
        await new Promise((resolve) => setImmediate(resolve));
        if (rec.resources.length === n) {
            return;
        }
    }
}

async function main(): Promise<void> {
    const req = JSON.parse(process.argv[2] ?? "{}") as EvalRequest;
    const recording = req.mode === "program" && req.fixture !== undefined;
    // @pulumi/pulumi and the mocks: the same for the program and the floor.
    const tm = performance.now();
    const { installBenchMocks } = require("../scripts/lib/bench-mocks") as typeof import("../scripts/lib/bench-mocks");
    const rec = installBenchMocks({ stack: req.env, keepInputs: recording });
    const mocksMs = performance.now() - tm;
    const r = req.mode === "program" ? await runProgram(req, rec) : await runFloor(req, rec);
    const end = performance.now();
    const result: EvalResult = {
        mode: req.mode,
        bootMs,
        mocksMs,
        ...r,
        totalMs: req.mode === "floor" ? end - r.loadMs : end,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    if (recording) {
        const fixture: FloorFixture = {
            env: req.env,
            size: req.size ?? 0,
            scaled: (req.size ?? 0) === 0 ? "none" : r.apps > 0 ? "apps" : "tenants",
            resources: rec.resources,
        };
        fs.writeFileSync(req.fixture!, JSON.stringify(fixture));
    }
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
    process.exit(0);
}

void main();
