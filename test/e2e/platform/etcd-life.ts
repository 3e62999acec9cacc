/**
 * etcd across its life, on the real nodes, against a live etcd cluster: a second, small
 * `EtcdCluster` (test/e2e/etcd-life/, its own Pulumi stack and namespace) goes 3 → 5 → 3 by real
 * `pulumi up`s, loses a member's volume, and is restored from its backup CronJob's snapshot with
 * `npm run etcd-restore`; one member is killed meanwhile. After each step the data written before is read back (etcdctl over TLS
 * with the root user) and the member list holds exactly the expected members.
 *
 * Why a second cluster: the platform's etcd requires one node per member (required anti-affinity,
 * as in staging/prod), and the local cluster has four nodes, so five members cannot fit; this one
 * spreads by preference. It is the same component, scripts and Jobs.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { KUBECONFIG, localRegistry } from "../../../scripts/lib/local-cluster";
import { localStorageClasses } from "../../../scripts/lib/local-stack";
import { pulumiSync } from "../../../scripts/lib/pulumi";
import { LOGS, ROOT } from "../../../scripts/lib/paths";
import { k, mustK } from "../../helpers/live-cluster";

const NS = "etcd-life";
const STACK = "e2e-etcd-life";
const DIR = path.join(ROOT, "test", "e2e", "etcd-life");
const LOG_DIR = path.join(LOGS, "e2e-etcd-life");
const TLS = ["--cacert=/etc/etcd/tls/ca.crt", "--cert=/etc/etcd/tls/tls.crt", "--key=/etc/etcd/tls/tls.key"];
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-etcd-life-"));
const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "etcd-life-passphrase" };

function pulumi(step: string, args: string[]) {
    const r = pulumiSync([...args, "-s", STACK, "--non-interactive"], { stack: STACK, env, cwd: DIR });
    fs.mkdirSync(LOG_DIR, { recursive: true });
    fs.writeFileSync(path.join(LOG_DIR, `${step}.log`), `$ pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r;
}

function up(step: string, replicas: number): void {
    const r = pulumi(step, ["up", "--yes", "--skip-preview", "-c", `replicas=${replicas}`]);
    const at = r.stdout.indexOf("Diagnostics:");
    assert.equal(r.code, 0, `pulumi up (${replicas} members) failed; see ${path.relative(ROOT, LOG_DIR)}/${step}.log\n${(at >= 0 ? r.stdout.slice(at) : r.stdout).slice(0, 4000)}\n${r.stderr.slice(-2000)}`);
}

function rootPassword(): string {
    return Buffer.from(mustK(["get", "secret", "-n", NS, "etcd-root-password", "-o", "jsonpath={.data.password}"]).trim(), "base64").toString("utf8");
}

/** etcdctl as root over TLS through the client Service (or `endpoints`), run in member `via`. */
function etcdctl(args: string[], via = "etcd-0", endpoints = [`https://etcd-client.${NS}.svc:2379`]) {
    return k(["exec", "-n", NS, via, "-c", "etcd", "--", "etcdctl", `--endpoints=${endpoints.join(",")}`, "--command-timeout=15s", ...TLS, `--user=root:${rootPassword()}`, ...args]);
}

/** The client URL of each member named. */
const memberUrls = (...names: string[]) => names.map((n) => `https://${n}.etcd-peer.${NS}.svc.cluster.local:2379`);

function get(key: string): string {
    const r = etcdctl(["get", key, "--print-value-only"]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
}

function put(key: string, value: string): void {
    const r = etcdctl(["put", key, value]);
    assert.equal(r.code, 0, r.stderr);
}

/** The member list: names (an unstarted member has none) and hex IDs. */
function memberList(): { name: string; id: string }[] {
    const r = etcdctl(["member", "list", "-w", "json", "--hex"]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout).members as { name?: string; ID: string }[]).map((m) => ({ name: m.name ?? "", id: String(m.ID) }));
}

function assertMembers(n: number): void {
    const expected = Array.from({ length: n }, (_, i) => `etcd-${i}`);
    assert.deepEqual(memberList().map((m) => m.name).sort(), expected);
    // Ready (Pulumi's and the rollout's wait) comes a little before a member that just joined or
    // restarted answers an authenticated request (seen: "unhealthy cluster" for a few seconds): bounded retry.
    let health = etcdctl(["endpoint", "health", "--cluster", "-w", "json"]);
    for (let i = 0; i < 20 && health.code !== 0; i++) {
        sleep(3000);
        health = etcdctl(["endpoint", "health", "--cluster", "-w", "json"]);
    }
    assert.equal(health.code, 0, health.stderr.slice(-2000));
    assert.deepEqual((JSON.parse(health.stdout) as { health: boolean }[]).map((h) => h.health), expected.map(() => true));
}

/** The member container's log, with its previous run's when it restarted (the start script prints first). */
/** A container's log, the run before its last restart first (a restarted container's earlier try counts too). */
function memberLog(pod: string, container = "etcd"): string {
    const previous = k(["logs", "-n", NS, pod, "-c", container, "--previous"]);
    return `${previous.code === 0 ? previous.stdout : ""}${k(["logs", "-n", NS, pod, "-c", container]).stdout}`;
}

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The local pool class with the most free volumes (this test claims up to 7 fresh ones). */
function freeStorageClass(): string {
    const pvs = JSON.parse(mustK(["get", "pv", "-o", "json"])).items as any[];
    const free = localStorageClasses().map((sc) => ({ sc, n: pvs.filter((p) => p.spec.storageClassName === sc && p.status.phase === "Available").length }));
    free.sort((a, b) => b.n - a.n);
    assert.ok(free[0] && free[0].n >= 7, `the local volume pools have too few free volumes for the etcd life-cycle test: ${JSON.stringify(free)}`);
    return free[0].sc;
}

export function etcdLifeSmoke(): void {
    describe("etcd across its life (a second EtcdCluster, 3 → 5 → 3, a lost volume, a killed member, a restore)", () => {
        before(() => {
            const init = pulumi("init", ["stack", "init", "--secrets-provider", "passphrase"]);
            assert.equal(init.code, 0, init.stderr);
            for (const [key, value] of [["kubeconfig", KUBECONFIG], ["namespace", NS], ["imageMirror", localRegistry()], ["storageClass", freeStorageClass()]]) {
                const set = pulumi(`config-${key}`, ["config", "set", key, value]);
                assert.equal(set.code, 0, set.stderr);
            }
        });

        after(() => {
            const down = pulumi("destroy", ["destroy", "--yes", "--skip-preview"]);
            if (down.code !== 0) {
                k(["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
            }
            pulumi("stack-rm", ["stack", "rm", "--yes", "--force"]);
            fs.rmSync(path.join(DIR, `Pulumi.${STACK}.yaml`), { force: true });
            fs.rmSync(backend, { recursive: true, force: true });
        });

        it("bootstraps 3 members of a new cluster with `new`, and takes a write as root over TLS", () => {
            up("up-3", 3);
            assertMembers(3);
            const logs = ["etcd-0", "etcd-1", "etcd-2"].map((p) => memberLog(p));
            assert.ok(logs.some((l) => l.includes("bootstraps a new one")), "no member bootstrapped with --initial-cluster-state=new");
            put("/life/first", "written-with-3");
            assert.equal(get("/life/first"), "written-with-3");
        });

        it("scales 3 → 5: the new members `member add` themselves and start with `existing`", () => {
            up("up-5", 5);
            assertMembers(5);
            for (const pod of ["etcd-3", "etcd-4"]) {
                assert.match(memberLog(pod), /etcd-start: etcd-\d joins the running cluster: /, `${pod} did not join with existing`);
            }
            assert.equal(get("/life/first"), "written-with-3");
            put("/life/five", "written-with-5");
        });

        it("scales 5 → 3: the Job removes etcd-3 and etcd-4 from the member list and their PVCs go", () => {
            const above = memberList().filter((m) => m.name === "etcd-3" || m.name === "etcd-4").map((m) => m.id).sort();
            assert.equal(above.length, 2);
            up("up-3-again", 3);
            assertMembers(3);
            // The Job restarts its container on a failure (a removal can move the leader, and the next
            // call time out): the removals of every try count.
            const pod = mustK(["get", "pods", "-n", NS, "-l", "batch.kubernetes.io/job-name=etcd-remove-members", "-o", "jsonpath={.items[0].metadata.name}"]).trim();
            const job = memberLog(pod, "remove-members");
            const removed = [...job.matchAll(/removing member ([0-9a-f]+): its ordinal is at or above/g)].map((m) => m[1]);
            assert.deepEqual([...new Set(removed)].sort(), above, job);
            let claims = "";
            for (let i = 0; i < 60; i++) {
                claims = mustK(["get", "pvc", "-n", NS, "-o", "jsonpath={.items[*].metadata.name}"]);
                if (!/data-etcd-[34]/.test(claims)) {
                    break;
                }
                sleep(1000);
            }
            assert.doesNotMatch(claims, /data-etcd-[34]/);
            assert.equal(get("/life/first"), "written-with-3");
            assert.equal(get("/life/five"), "written-with-5");
        });

        it("rejoins a member whose volume was lost as a new member", () => {
            const before = memberList().find((m) => m.name === "etcd-2")!;
            const oldClaim = mustK(["get", "pvc", "-n", NS, "data-etcd-2", "-o", "jsonpath={.metadata.uid}"]).trim();
            mustK(["delete", "pvc", "-n", NS, "data-etcd-2", "--wait=false"]);
            mustK(["delete", "pod", "-n", NS, "etcd-2", "--wait=true", "--timeout=60s"]);
            // The StatefulSet recreates the pod and, once the old claim is gone, a new claim; a pod
            // created while the old claim was still terminating waits for a claim: start it again.
            let ready = false;
            for (let i = 0; i < 120 && !ready; i++) {
                const p = JSON.parse(k(["get", "pod", "-n", NS, "etcd-2", "-o", "json"]).stdout || "{}");
                ready = (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
                const claim = k(["get", "pvc", "-n", NS, "data-etcd-2", "-o", "jsonpath={.metadata.uid}"]);
                if (!ready && p.status?.phase === "Pending" && (claim.code !== 0 || claim.stdout.trim() === oldClaim) && i % 15 === 14) {
                    k(["delete", "pod", "-n", NS, "etcd-2", "--wait=false"]);
                }
                sleep(1000);
            }
            assert.ok(ready, "etcd-2 did not turn Ready again after its volume was lost");
            assert.notEqual(mustK(["get", "pvc", "-n", NS, "data-etcd-2", "-o", "jsonpath={.metadata.uid}"]).trim(), oldClaim);
            assert.match(memberLog("etcd-2"), /volume lost\): removing it to rejoin/);
            assertMembers(3);
            assert.notEqual(memberList().find((m) => m.name === "etcd-2")!.id, before.id, "etcd-2 kept its old member ID");
            assert.equal(get("/life/first"), "written-with-3");
            assert.equal(get("/life/five"), "written-with-5");
        });

        it("keeps taking writes while a member is killed, and the member rejoins with its volume and ID", () => {
            const before = memberList().find((m) => m.name === "etcd-1")!;
            const uid = mustK(["get", "pod", "-n", NS, "etcd-1", "-o", "jsonpath={.metadata.uid}"]).trim();
            // No grace period: the kubelet kills the member's process (SIGKILL), as a crash would.
            mustK(["delete", "pod", "-n", NS, "etcd-1", "--grace-period=0", "--force", "--wait=false"]);
            // Two of three members are a quorum: a client that knows every member (as etcd's clients
            // are configured) fails over from the dead one and its write goes on.
            const write = etcdctl(["put", "/life/while-killed", "written-with-2"], "etcd-0", memberUrls("etcd-0", "etcd-1", "etcd-2"));
            assert.equal(write.code, 0, write.stderr);
            let ready = false;
            for (let i = 0; i < 120 && !ready; i++) {
                const p = JSON.parse(k(["get", "pod", "-n", NS, "etcd-1", "-o", "json"]).stdout || "{}");
                ready = p.metadata?.uid !== uid && (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
                sleep(1000);
            }
            assert.ok(ready, "etcd-1 did not come back Ready after it was killed");
            assertMembers(3);
            assert.equal(memberList().find((m) => m.name === "etcd-1")!.id, before.id, "etcd-1 came back as a new member: it should rejoin with its volume");
            assert.match(memberLog("etcd-1"), /etcd-start: data directory found, starting etcd-1 from it/);
            // The write made while it was down reached etcd-1 itself: a serializable read answers from
            // the member's own store.
            // the member of a moment ago may still be applying the log it caught up on: bounded retry
            let own = etcdctl(["get", "/life/while-killed", "--print-value-only", "--consistency=s"], "etcd-1", memberUrls("etcd-1"));
            for (let i = 0; i < 10 && own.stdout.trim() !== "written-with-2"; i++) {
                sleep(1000);
                own = etcdctl(["get", "/life/while-killed", "--print-value-only", "--consistency=s"], "etcd-1", memberUrls("etcd-1"));
            }
            assert.equal(own.code, 0, own.stderr);
            assert.equal(own.stdout.trim(), "written-with-2");
            assert.equal(get("/life/first"), "written-with-3");
        });

        it("restores every member from the backup CronJob's snapshot with `npm run etcd-restore`", () => {
            put("/life/before-snapshot", "in-the-snapshot");
            k(["delete", "job", "-n", NS, "life-backup", "--ignore-not-found", "--wait=true"]);
            mustK(["create", "job", "-n", NS, "life-backup", "--from=cronjob/etcd-backup"]);
            const done = k(["wait", "-n", NS, "--for=condition=Complete", "--timeout=120s", "job/life-backup"]);
            assert.equal(done.code, 0, `${done.stderr}\n${k(["logs", "-n", NS, "job/life-backup", "--all-containers"]).stdout}`);
            put("/life/after-snapshot", "not-in-the-snapshot");
            const idsBefore = memberList().map((m) => m.id).sort();
            const claims = () => ["etcd-0", "etcd-1", "etcd-2"].map((m) => mustK(["get", "pvc", "-n", NS, `data-${m}`, "-o", "jsonpath={.metadata.uid}"]).trim());
            const claimsBefore = claims();

            const r = spawnSync("npm", ["run", "--silent", "etcd-restore", "--", "--namespace", NS, "--kubeconfig", KUBECONFIG], { cwd: ROOT, encoding: "utf8" });
            fs.writeFileSync(path.join(LOG_DIR, "etcd-restore.log"), `${r.stdout}\n${r.stderr}`);
            assert.equal(r.status, 0, `npm run etcd-restore failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
            assert.match(r.stdout, /restored etcd-0, etcd-1, etcd-2 from snapshot-\d{8}T\d{6}Z\.db/);

            assertMembers(3);
            assert.deepEqual(claims(), claimsBefore, "the restore replaced member volumes instead of restoring into them");
            const policy = mustK(["get", "statefulset", "-n", NS, "etcd", "-o", "jsonpath={.spec.persistentVolumeClaimRetentionPolicy.whenScaled}"]).trim();
            assert.equal(policy, "Delete", "the restore did not put the PVC retention policy back");
            assert.notDeepEqual(memberList().map((m) => m.id).sort(), idsBefore, "the members kept their IDs: nothing was restored");
            assert.equal(get("/life/first"), "written-with-3");
            assert.equal(get("/life/five"), "written-with-5");
            assert.equal(get("/life/before-snapshot"), "in-the-snapshot");
            assert.equal(get("/life/after-snapshot"), "", "a key written after the snapshot survived the restore");
        });
    });
}
