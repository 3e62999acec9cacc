/**
 * The platform's life cycle (Pulumi state: interrupted `up`, recovery, replacements) with the real
 * Pulumi CLI against a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler) whose nodes and pods kwok simulates: what is tested here is Pulumi's and the
 * API server's side, not that containers run (test/e2e/real-nodes.test.ts does that).
 * The test starts its own kwok cluster and uses its own stack and backend, so it never touches the
 * user's `local` stack or control plane.
 */
import { describe, it, before, after, TestContext } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { parse, stringify } from "yaml";
import { fullLocalConfig } from "../helpers/local-config";
import { KwokCluster, kwokDown, kwokUp } from "../../scripts/lib/kwok-cluster";
import { kubectl } from "../../scripts/lib/kubectl";
import { localStorageClasses } from "../../scripts/lib/local-stack";
import { ensureToolchain } from "../../scripts/lib/setup";
import { pulumiBinary, pulumiEnv, pulumiSync } from "../../scripts/lib/pulumi";
import { LOGS, ROOT, STATE } from "../../scripts/lib/paths";
import { readEventLog, slowestSteps, stepTimings } from "../../scripts/lib/event-timings";
import { processCommand, processTable } from "../../scripts/lib/procfs";

const STACK = "e2e-lifecycle";
const CLUSTER: KwokCluster = { name: "containercloud-e2e", kubeconfig: path.join(STATE, "e2e", "kubeconfig") };
const STACK_FILE = path.join(ROOT, "stacks", `Pulumi.${STACK}.yaml`);
/** A private copy of the local app manifests, so the test can change one app. */
const APP_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-e2e-apps-"));
fs.cpSync(path.join(ROOT, "stacks", "apps", "local"), APP_DIR, { recursive: true });
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-e2e-backend-"));
const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "e2e-lifecycle-passphrase" };

function pulumi(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    return pulumiSync([...args, "-s", STACK, "--non-interactive"], { stack: STACK, env: { ...env, ...extraEnv } });
}

const LOG_DIR = path.join(LOGS, "e2e-lifecycle");
/** The team one test adds (and the next keeps). */
const ADDED_TEAM = { namespaces: ["added-a"] };

/**
 * A Pulumi command that changes or inspects the cluster, with its evidence kept: its output in
 * .state/logs/e2e-lifecycle/<step>.log (and its engine events in <step>.events.jsonl when it
 * failed), its wall time and slowest resources as a test diagnostic. One run's first `up` once
 * took 360 s instead of ~50 s; this says where such time goes next time. Returns the command's
 * result and the steps the engine took on custom resources (what `up` really did, which a
 * preview cannot always tell: a replacement may only show once unknown values are known).
 */
function pulumiStep(t: TestContext, step: string, args: string[]) {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const events = path.join(LOG_DIR, `${step}.events.jsonl`);
    fs.rmSync(events, { force: true });
    const start = Date.now();
    // The CLI offers --event-log only with its debug commands turned on.
    const r = pulumi([...args, "--event-log", events], { PULUMI_DEBUG_COMMANDS: "true" });
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    fs.writeFileSync(path.join(LOG_DIR, `${step}.log`), `$ pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    const logged = fs.existsSync(events);
    const steps = logged ? stepTimings(readEventLog(events)) : [];
    const slowest = logged ? slowestSteps(steps, 3) : "no event log";
    if (r.code === 0) {
        // Tens of MB (the engine's debug messages are in it); kept only when the command failed.
        fs.rmSync(events, { force: true });
    }
    t.diagnostic(`pulumi ${args[0]}: ${seconds} s; slowest: ${slowest}; output in ${path.relative(ROOT, LOG_DIR)}/${step}.log`);
    return { ...r, steps };
}

function writeStackConfig(mutate?: (config: Record<string, any>) => void): void {
    // kwok runs no container: the whole local profile.
    const config: Record<string, any> = fullLocalConfig();
    config["containercloud:cluster"] = { mode: "kubeconfig", kubeconfig: CLUSTER.kubeconfig };
    config["containercloud:apps"] = { appDir: APP_DIR };
    // No metrics-server really answers on kwok's simulated nodes: an APIService that never becomes
    // available would break API discovery and namespace deletion.
    config["containercloud:appEngine"] = { control: { metricsApiService: false } };
    mutate?.(config);
    const current = fs.existsSync(STACK_FILE) ? (parse(fs.readFileSync(STACK_FILE, "utf8")) ?? {}) : {};
    fs.writeFileSync(STACK_FILE, stringify({ ...current, config }));
}

/** Workloads whose ready count is below the desired count, as `Kind ns/name ready/desired`. */
function unreadyWorkloads(): string[] {
    const r = kubectl(["get", "deploy,sts,ds", "-A", "-o", "json"], undefined, CLUSTER);
    assert.equal(r.code, 0, r.stderr);
    const items = JSON.parse(r.stdout).items as any[];
    const bad: string[] = [];
    for (const w of items) {
        const desired = w.kind === "DaemonSet" ? w.status?.desiredNumberScheduled : (w.spec?.replicas ?? 1);
        const ready = w.kind === "DaemonSet" ? w.status?.numberReady : w.status?.readyReplicas;
        if ((ready ?? 0) < desired || (w.kind === "DaemonSet" && desired === 0)) {
            bad.push(`${w.kind} ${w.metadata.namespace}/${w.metadata.name} ${ready ?? 0}/${desired}`);
        }
    }
    return bad;
}

/** Objects the platform labels as its own, across the namespaced and cluster-scoped kinds it uses. */
function platformObjects(): string[] {
    const kinds = "namespaces,deployments,statefulsets,daemonsets,services,configmaps,secrets,resourcequotas,limitranges,networkpolicies,rolebindings,clusterroles,clusterrolebindings,jobs,cronjobs,ingresses,persistentvolumeclaims";
    const r = kubectl(["get", kinds, "-A", "-l", "app.kubernetes.io/part-of=containercloud", "-o", "name"], undefined, CLUSTER);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split("\n").filter(Boolean);
}

/**
 * Kills plugin processes of this project's CLI whose engine is gone (re-parented to init), as a
 * user would after a killed up (README, "Recovering an interrupted up"). Plugins of a live CLI
 * (another test file's) still have it as their parent and are left alone.
 */
function killOrphanedPlugins(): void {
    const plugin = `${path.join(STATE, "bin")}/pulumi-resource-`;
    for (const [pid, { ppid, pgid }] of processTable()) {
        if (ppid === 1 && processCommand(pid).includes(plugin)) {
            try {
                process.kill(-pgid, "SIGKILL");
            } catch {
                // the group ended while we looked
            }
        }
    }
}

describe("life cycle against a real control plane", { timeout: 30 * 60 * 1000 }, () => {
    before(async () => {
        await ensureToolchain();
        // Always a fresh cluster: a leftover from an interrupted run would hold objects of a stack
        // this run does not know.
        kwokDown(CLUSTER);
        await kwokUp({ cluster: CLUSTER, storageClasses: localStorageClasses() });
        writeStackConfig();
        const init = pulumiSync(["stack", "init", STACK, "--secrets-provider", "passphrase"], { stack: STACK, env });
        assert.equal(init.code, 0, init.stderr);
        writeStackConfig();
    });

    after(() => {
        fs.rmSync(STACK_FILE, { force: true });
        fs.rmSync(backend, { recursive: true, force: true });
        fs.rmSync(APP_DIR, { recursive: true, force: true });
        kwokDown(CLUSTER);
    });

    it("up converges and every workload reports ready", (t) => {
        const r = pulumiStep(t, "1-up", ["up", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.deepEqual(unreadyWorkloads(), []);
        assert.ok(platformObjects().length > 0, "the platform created objects in the cluster");
    });

    it("a second preview shows no changes", (t) => {
        const r = pulumiStep(t, "2-preview", ["preview", "--expect-no-changes"]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });

    it("refresh finds no drift", (t) => {
        const r = pulumiStep(t, "3-refresh", ["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });

    it("a change to one app's manifest updates only that app's resources", (t) => {
        const file = path.join(APP_DIR, "shop-web.yaml");
        const manifest = parse(fs.readFileSync(file, "utf8"));
        manifest.env = { ...(manifest.env ?? {}), LIFECYCLE_CHANGE: "1" };
        fs.writeFileSync(file, stringify(manifest));
        const preview = pulumi(["preview", "--json"]);
        assert.equal(preview.code, 0, preview.stderr);
        const steps = (JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[];
        const changed = steps.filter((st) => st.op !== "same").map((st) => st.urn);
        assert.ok(changed.length > 0, "the change shows up in the preview");
        for (const urn of changed) {
            assert.match(urn, /shop-web/, `a resource outside the app changes: ${urn}`);
        }
        const up = pulumiStep(t, "4-up-app-change", ["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
        assert.deepEqual(unreadyWorkloads(), []);
    });

    it("the exported state holds no secret value in plain text", () => {
        const secrets = kubectl(["get", "secrets", "-A", "-l", "app.kubernetes.io/part-of=containercloud", "-o", "json"], undefined, CLUSTER);
        assert.equal(secrets.code, 0, secrets.stderr);
        // The secret material: passwords, private keys, tokens, connection URIs and registry auths (host
        // names, ports, user names and certificates are public and may appear in state).
        const secretKey = /pass|key|token|secret|auth|htpasswd|uri/i;
        const values: string[] = [];
        for (const item of JSON.parse(secrets.stdout).items as any[]) {
            for (const [k, b64] of Object.entries((item.data ?? {}) as Record<string, string>)) {
                const v = Buffer.from(b64, "base64").toString("utf8");
                if (k === ".dockerconfigjson") {
                    for (const a of Object.values(JSON.parse(v).auths ?? {}) as any[]) {
                        values.push(...[a.password, a.auth].filter((x) => typeof x === "string"));
                    }
                } else if (secretKey.test(k)) {
                    values.push(v);
                }
            }
        }
        assert.ok(values.length > 0, "the platform holds generated secrets to look for");
        const exported = pulumi(["stack", "export"]);
        assert.equal(exported.code, 0, exported.stderr);
        for (const v of values.filter((x) => x.length >= 8)) {
            assert.ok(!exported.stdout.includes(v), `a secret value appears in plain text in the state: ${v.slice(0, 4)}…`);
        }
    });

    it("adding a team replaces no workload: the router keeps serving", (t) => {
        // A new team changes the names the router's certificate covers, so the certificate and its
        // Secret are replaced; the gateway must not be replaced with them (components/app-engine/app-router.ts).
        writeStackConfig((c) => {
            c["containercloud:tenancy"].teams.added = ADDED_TEAM;
        });
        const up = pulumiStep(t, "5-up-add-team", ["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
        const replaced = (pattern: RegExp) => up.steps.filter((st) => /replace/.test(st.op) && pattern.test(st.urn)).map((st) => `${st.op} ${st.urn}`);
        assert.ok(replaced(/::app-engine-router-cert$/).length > 0, "the router's certificate was replaced (what this test is about)");
        assert.deepEqual(replaced(/[:$]kubernetes:apps\/v1:/), []);
        assert.deepEqual(unreadyWorkloads(), []);
    });

    it("a changed component config rolls the pods that read it and replaces no workload", (t) => {
        // Where the OTel collector sends traces lives in its ConfigMap. The provider replaces a
        // ConfigMap whose data changes; the Deployment that mounts it must be updated (its pods roll
        // onto the new config), not deleted and recreated with it.
        writeStackConfig((c) => {
            c["containercloud:tenancy"].teams.added = ADDED_TEAM;
            c["containercloud:appEngine"] = { ...c["containercloud:appEngine"], support: { tracesOtlpUrl: "http://traces.example.com:4317" } };
        });
        const up = pulumiStep(t, "6-up-config-change", ["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
        const stepsOn = (op: RegExp, urn: RegExp) => up.steps.filter((st) => op.test(st.op) && urn.test(st.urn)).map((st) => `${st.op} ${st.urn}`);
        assert.ok(stepsOn(/replace/, /-otel-config$/).length > 0, "the collector's ConfigMap was replaced (what this test is about)");
        assert.deepEqual(stepsOn(/replace/, /[:$]kubernetes:apps\/v1:/), []);
        assert.ok(stepsOn(/^update$/, /kubernetes:apps\/v1:Deployment::.*-otel-collector$/).length > 0, "the collector's Deployment was updated");

        const deps = kubectl(["get", "deployments", "-A", "-l", "app.kubernetes.io/name=otel-collector", "-o", "json"], undefined, CLUSTER);
        assert.equal(deps.code, 0, deps.stderr);
        const [collector] = JSON.parse(deps.stdout).items as any[];
        assert.equal(collector.status.updatedReplicas, collector.spec.replicas, "the collector's pods rolled onto the new template");
        const configMap = (collector.spec.template.spec.volumes as any[]).find((v) => v.name === "config").configMap.name as string;
        const cms = kubectl(["get", "configmaps", "-n", collector.metadata.namespace, "-l", "app.kubernetes.io/name=otel-collector", "-o", "json"], undefined, CLUSTER);
        assert.equal(cms.code, 0, cms.stderr);
        const live = JSON.parse(cms.stdout).items as any[];
        assert.deepEqual(live.map((cm) => cm.metadata.name as string), [configMap], "one collector ConfigMap is left, the one the pods mount");
        assert.equal((parse(live[0].data["config.yaml"] as string) as any).exporters["otlp_grpc/traces"].endpoint, "http://traces.example.com:4317");
        assert.deepEqual(unreadyWorkloads(), []);
    });

    it("an up killed mid-way is recovered by the documented procedure and the next up converges", async (t) => {
        // A change that creates objects, so the killed up is in the middle of real work (the team
        // added by the test before stays).
        writeStackConfig((c) => {
            c["containercloud:tenancy"].teams.added = ADDED_TEAM;
            c["containercloud:tenancy"].teams.interrupted = { namespaces: ["interrupted-a", "interrupted-b", "interrupted-c"] };
        });
        await new Promise<void>((resolve, reject) => {
            const child = spawn(pulumiBinary(), ["up", "--yes", "--skip-preview", "--non-interactive", "-s", STACK], {
                cwd: ROOT,
                env: pulumiEnv(STACK, env),
                detached: true,
            });
            let killed = false;
            child.stdout.on("data", (d: Buffer) => {
                if (!killed && /creating/.test(d.toString())) {
                    killed = true;
                    process.kill(-child.pid!, "SIGKILL");
                }
            });
            child.on("exit", () => (killed ? resolve() : reject(new Error("the up finished before it could be interrupted"))));
        });
        // The CLI starts plugins in process groups of their own: the dynamic-provider host outlives it.
        killOrphanedPlugins();
        // The documented recovery (README, "Recovering an interrupted up"): release the dead
        // process's lock, let refresh reconcile the state with the cluster, then up again.
        const cancel = pulumi(["cancel", "--yes"]);
        assert.equal(cancel.code, 0, `${cancel.stdout}\n${cancel.stderr}`);
        const refresh = pulumiStep(t, "7-refresh-after-kill", ["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
        assert.equal(refresh.code, 0, `${refresh.stdout}\n${refresh.stderr}`);
        const up = pulumiStep(t, "8-up-after-kill", ["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
        const again = pulumi(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
        assert.deepEqual(unreadyWorkloads(), []);
    });

    it("destroy leaves no platform object in the cluster", (t) => {
        const r = pulumiStep(t, "9-destroy", ["destroy", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        assert.deepEqual(platformObjects(), []);
    });
});
