/**
 * The platform's etcd on the real nodes: every member healthy over TLS with client certificates,
 * members on different nodes, auth on (root with the password of its Secret may write, a client
 * with only a certificate may not), and the maintenance Jobs running in the distroless etcd image
 * (the auth Job again, as a retry would, the snapshot and the defrag).
 *
 * etcdctl runs by `kubectl exec` in member etcd-0 (the image has no shell; etcdctl is its own
 * program), with the member's certificate, which is also a client certificate (CN `etcd`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { k, mustK } from "../../helpers/live-cluster";

const NS = "etcd";
const TLS = ["--cacert=/etc/etcd/tls/ca.crt", "--cert=/etc/etcd/tls/tls.crt", "--key=/etc/etcd/tls/tls.key"];

/** The member names and client URLs of the live StatefulSet. */
function members(): { names: string[]; urls: string[] } {
    const replicas = Number(mustK(["get", "statefulset", "-n", NS, "etcd", "-o", "jsonpath={.spec.replicas}"]).trim());
    assert.ok(replicas >= 1, "the etcd StatefulSet has no members");
    const names = Array.from({ length: replicas }, (_, i) => `etcd-${i}`);
    return { names, urls: names.map((n) => `https://${n}.etcd-peer.${NS}.svc.cluster.local:2379`) };
}

/** etcdctl in member etcd-0, against `endpoints`. */
function etcdctl(endpoints: string[], args: string[], tls = TLS) {
    return k(["exec", "-n", NS, "etcd-0", "-c", "etcd", "--", "etcdctl", `--endpoints=${endpoints.join(",")}`, "--command-timeout=10s", ...tls, ...args]);
}

function rootPassword(): string {
    const b64 = mustK(["get", "secret", "-n", NS, "etcd-root-password", "-o", "jsonpath={.data.password}"]).trim();
    assert.ok(b64.length > 0, "the etcd-root-password Secret has no password");
    return Buffer.from(b64, "base64").toString("utf8");
}

/** Runs a copy of a Job (or a Job made from a CronJob) to completion; returns its logs. */
function runJob(name: string, source: { job?: string; cronJob?: string }): string {
    k(["delete", "job", "-n", NS, name, "--ignore-not-found", "--wait=true"]);
    if (source.cronJob) {
        mustK(["create", "job", "-n", NS, name, `--from=cronjob/${source.cronJob}`]);
    } else {
        const job = JSON.parse(mustK(["get", "job", "-n", NS, source.job!, "-o", "json"]));
        // A fresh Job of the same pod spec: what the Job controller would run on a retry.
        const tpl = job.spec.template;
        for (const key of ["controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"]) {
            delete tpl.metadata.labels?.[key];
        }
        const copy = { apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: NS }, spec: { backoffLimit: 0, template: tpl } };
        mustK(["apply", "-f", "-"], JSON.stringify(copy));
    }
    const done = k(["wait", "-n", NS, "--for=condition=Complete", "--timeout=120s", `job/${name}`]);
    // the logs of the pod that succeeded (`logs job/<name>` picks any pod, a failed first try too)
    const pod = k(["get", "pods", "-n", NS, "-l", `batch.kubernetes.io/job-name=${name}`,
        "--field-selector=status.phase=Succeeded", "-o", "jsonpath={.items[0].metadata.name}"]).stdout.trim();
    const logs = k(["logs", "-n", NS, pod ? `pod/${pod}` : `job/${name}`, "--all-containers"]).stdout;
    assert.equal(done.code, 0, `job ${name} did not complete: ${done.stderr}\n${logs}`);
    k(["delete", "job", "-n", NS, name, "--wait=false"]);
    return logs;
}

export function etcdSmoke(): void {
    describe("etcd", () => {
        it("answers endpoint health over TLS with client certificates on every member", () => {
            const { urls } = members();
            const r = etcdctl(urls, ["endpoint", "health", "-w", "json"]);
            assert.equal(r.code, 0, r.stderr);
            const health = JSON.parse(r.stdout) as { endpoint: string; health: boolean }[];
            assert.deepEqual(health.map((h) => h.endpoint).sort(), [...urls].sort());
            assert.deepEqual(health.filter((h) => !h.health), []);
        });

        it("has every member in the member list, started, on a node of its own", () => {
            const { names } = members();
            const r = etcdctl(members().urls.slice(0, 1), ["member", "list", "-w", "json", `--user=root:${rootPassword()}`]);
            assert.equal(r.code, 0, r.stderr);
            const list = JSON.parse(r.stdout).members as { name: string }[];
            assert.deepEqual(list.map((m) => m.name).sort(), names);
            const nodes = names.map((n) => mustK(["get", "pod", "-n", NS, n, "-o", "jsonpath={.spec.nodeName}"]).trim());
            assert.equal(new Set(nodes).size, names.length, `members share nodes: ${nodes.join(", ")}`);
        });

        it("refuses a client without a certificate", () => {
            const r = etcdctl(members().urls.slice(0, 1), ["endpoint", "health"], ["--cacert=/etc/etcd/tls/ca.crt"]);
            assert.notEqual(r.code, 0, `a client without a certificate got in: ${r.stdout}`);
        });

        it("has auth on: root with the Secret's password writes and reads, a certificate alone cannot write", () => {
            const { urls } = members();
            const user = `--user=root:${rootPassword()}`;
            const status = etcdctl(urls, ["auth", "status", user]);
            assert.equal(status.code, 0, status.stderr);
            assert.match(status.stdout, /Authentication Status: true/);

            const value = `v-${Date.now()}`;
            const put = etcdctl(urls, ["put", "/smoke/etcd", value, user]);
            assert.equal(put.code, 0, put.stderr);
            const get = etcdctl(urls, ["get", "/smoke/etcd", "--print-value-only", user]);
            assert.equal(get.code, 0, get.stderr);
            assert.equal(get.stdout.trim(), value);

            const anon = etcdctl(urls, ["put", "/smoke/etcd", "intruder"]);
            assert.notEqual(anon.code, 0, "a put without a user was accepted");
            assert.match(anon.stderr, /permission denied|user name (not found|is empty)/);
            const wrong = etcdctl(urls, ["put", "/smoke/etcd", "intruder", "--user=root:not-the-password"]);
            assert.notEqual(wrong.code, 0, "a put with a wrong password was accepted");
            assert.equal(etcdctl(urls, ["get", "/smoke/etcd", "--print-value-only", user]).stdout.trim(), value);
        });

        it("succeeds again when the auth Job runs a second time, as a retry does", () => {
            assert.match(runJob("smoke-enable-auth", { job: "etcd-enable-auth" }), /auth already enabled/);
        });

        it("saves a snapshot with the backup CronJob's Job and defragments every member with the defrag one", () => {
            assert.match(runJob("smoke-backup", { cronJob: "etcd-backup" }), /snapshot-\d{8}T\d{6}Z\.db/);
            assert.match(runJob("smoke-defrag", { cronJob: "etcd-defrag" }), /Finished defragmenting etcd member/);
        });
    });
}
