/**
 * The local cluster on real nodes: a real control plane and four real kubelets with containerd and
 * runc on this machine, pod network from the platform's own Flannel (installed by a real
 * `pulumi up` of the `local` stack's config), kube-proxy and CoreDNS. Every assertion is about a
 * real container: traffic between pods on two nodes, a Service name, cgroup limits, an OOM kill, a
 * NetworkPolicy refusing a connection. The test starts a fresh local cluster (it stops one a user
 * had running: its own stack creates what the `local` stack would) and ends with `down` and a check
 * that nothing of it is left on the host. In between, test/e2e/platform/ runs one smoke test per
 * platform component against the same live stack.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { KUBECONFIG, LOCAL_CLUSTER, LOCAL_NODES, localDown, localIsUp, localLeftovers, localUp } from "../../scripts/lib/local-cluster";
import { localCidrs, localStorageClasses } from "../../scripts/lib/local-stack";
import { applyObjects } from "../../scripts/lib/kubectl";
import { ensureToolchain } from "../../scripts/lib/setup";
import { pulumiSync } from "../../scripts/lib/pulumi";
import { LOGS, ROOT } from "../../scripts/lib/paths";
import { clusterSnapshot, containerPids, fetchFrom, k, mustK, pod, podIp, waitReady, webPod } from "../helpers/live-cluster";
import { platformSmoke } from "./platform";

const STACK = "e2e-nodes";
const STACK_FILE = path.join(ROOT, "stacks", `Pulumi.${STACK}.yaml`);
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-e2e-nodes-"));
const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "e2e-nodes-passphrase" };
const NS = "nodes-e2e";
const LOG_DIR = path.join(LOGS, "e2e-nodes");

function pulumi(step: string, args: string[]) {
    const r = pulumiSync([...args, "-s", STACK, "--non-interactive"], { stack: STACK, env });
    fs.mkdirSync(LOG_DIR, { recursive: true });
    fs.writeFileSync(path.join(LOG_DIR, `${step}.log`), `$ pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r;
}

/** The "Diagnostics:" section of a pulumi run's output (where its errors are), or its tail. */
function diagnostics(stdout: string): string {
    const at = stdout.indexOf("Diagnostics:");
    return (at >= 0 ? stdout.slice(at) : stdout).slice(0, 6000);
}

before(async () => {
    await ensureToolchain();
    if (localIsUp()) {
        await localDown();
    }
    await localUp({ storageClasses: localStorageClasses(), cidrs: localCidrs() });
    const local = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    fs.writeFileSync(STACK_FILE, stringify({ config: local.config }));
    const init = pulumi("init", ["stack", "init", "--secrets-provider", "passphrase"]);
    assert.equal(init.code, 0, init.stderr);
    const up = pulumi("up", ["up", "--yes", "--skip-preview"]);
    // Pulumi writes its diagnostics to stdout: CI shows only this message, so it carries them.
    assert.equal(up.code, 0, `pulumi up failed; see ${path.relative(ROOT, LOG_DIR)}/up.log\n${diagnostics(up.stdout)}\n${up.stderr.slice(-3000)}\n${up.code === 0 ? "" : clusterSnapshot()}`);
    mustK(["wait", "--for=condition=Ready", "--timeout=180s", "node", "--all"]);
    mustK(["rollout", "status", "-n", "kube-system", "deployment/coredns", "--timeout=180s"]);
    applyObjects([{ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }], LOCAL_CLUSTER);
});

after(async () => {
    // Down happens in the last test, which checks what it leaves; this is for a run that failed before it.
    if (fs.existsSync(KUBECONFIG)) {
        await localDown();
    }
    fs.rmSync(STACK_FILE, { force: true });
    fs.rmSync(backend, { recursive: true, force: true });
});

describe("real nodes", () => {
    after(() => {
        // The probes of these tests go, so the platform's smoke tests see only the platform's pods.
        k(["delete", "namespace", NS, "nodes-e2e-router", "--ignore-not-found", "--wait=true", "--timeout=120s"]);
        k(["delete", "pod", "-n", "shop", "shop-web-probe", "--ignore-not-found", "--grace-period=1"]);
        k(["delete", "pod", "-n", "data-jobs", "intruder", "--ignore-not-found", "--grace-period=1"]);
    });

    it("registers every node with its role, Ready once the platform's Flannel runs", () => {
        const nodes = JSON.parse(mustK(["get", "nodes", "-o", "json"])).items as any[];
        assert.deepEqual(
            nodes.map((n) => `${n.metadata.name}:${n.metadata.labels["containercloud.io/node-role"]}`).sort(),
            LOCAL_NODES.map((n) => `${n.name}:${n.role}`).sort(),
        );
        for (const n of nodes) {
            assert.equal(n.status.conditions.find((c: any) => c.type === "Ready").status, "True", `${n.metadata.name} is not Ready`);
        }
        const flannel = JSON.parse(mustK(["get", "pods", "-A", "-l", "app.kubernetes.io/name=flannel", "-o", "json"])).items as any[];
        assert.equal(flannel.length, LOCAL_NODES.length);
    });

    it("carries traffic between pods on two nodes by pod IP, over Flannel's VXLAN", () => {
        applyObjects([
            webPod("web-w2", NS, "hello from worker-2", { node: "worker-2" }),
            pod("client-w1", NS, ["sleep", "3600"], { node: "worker-1" }),
        ], LOCAL_CLUSTER);
        waitReady(NS, ["web-w2", "client-w1"]);
        const ip = podIp(NS, "web-w2");
        const r = fetchFrom(NS, "client-w1", `http://${ip}:8080/`);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), "hello from worker-2");
        const vxlan = JSON.parse(mustK(["get", "node", "worker-2", "-o", "json"])).metadata.annotations["flannel.alpha.coreos.com/backend-type"];
        assert.equal(vxlan, "vxlan");
    });

    it("resolves a Service's DNS name and answers through it from a pod", () => {
        applyObjects([{
            apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: NS },
            spec: { selector: { app: "web-w2" }, ports: [{ port: 80, targetPort: 8080 }] },
        }], LOCAL_CLUSTER);
        const lookup = k(["exec", "-n", NS, "client-w1", "--", "nslookup", `web.${NS}.svc.cluster.local`]);
        assert.equal(lookup.code, 0, lookup.stderr);
        const clusterIp = mustK(["get", "svc", "-n", NS, "web", "-o", "jsonpath={.spec.clusterIP}"]).trim();
        assert.match(lookup.stdout, new RegExp(`Address:\\s+${clusterIp.replace(/\./g, "\\.")}`));
        const r = fetchFrom(NS, "client-w1", `http://web.${NS}.svc.cluster.local/`);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), "hello from worker-2");
    });

    it("puts a container's memory and CPU limits into its cgroup", () => {
        applyObjects([pod("limited", NS, ["sleep", "3600"], { node: "worker-1", limits: { cpu: "200m", memory: "64Mi" } })], LOCAL_CLUSTER);
        waitReady(NS, ["limited"]);
        const p = JSON.parse(mustK(["get", "pod", "-n", NS, "limited", "-o", "json"]));
        const mem = containerPids(p, "memory");
        const cpu = containerPids(p, "cpu");
        assert.equal(fs.readFileSync(path.join(mem.dir, "memory.limit_in_bytes"), "utf8").trim(), "67108864");
        assert.equal(fs.readFileSync(path.join(cpu.dir, "cpu.cfs_quota_us"), "utf8").trim(), "20000");
        // The process in that cgroup is the container's, visible on the host.
        assert.ok(mem.pids.length > 0);
        assert.match(fs.readFileSync(`/proc/${mem.pids[0]}/cmdline`, "utf8"), /sleep/);
    });

    it("OOM-kills a container that allocates past its memory limit", () => {
        // tail holds an endless line in memory: 100 MiB against a 32 MiB limit.
        applyObjects([pod("hog", NS, ["sh", "-c", "head -c 104857600 /dev/zero | tail"], { node: "worker-2", restart: "Never", limits: { cpu: "200m", memory: "32Mi" } })], LOCAL_CLUSTER);
        k(["wait", "-n", NS, "pod/hog", "--for=jsonpath={.status.containerStatuses[0].state.terminated.reason}=OOMKilled", "--timeout=120s"]);
        const reason = mustK(["get", "pod", "-n", NS, "hog", "-o", "jsonpath={.status.containerStatuses[0].state.terminated.reason}"]).trim();
        assert.equal(reason, "OOMKilled");
    });

    it("refuses a connection from another tenant's pod with the tenant's default-deny policy, and lets the router's namespace in", () => {
        // The tenant's allow-router policy admits the namespace labelled as the App Router's; this
        // one carries that label (the router itself is off on the local cluster until its image is built here).
        const routerNs = "nodes-e2e-router";
        applyObjects([{ apiVersion: "v1", kind: "Namespace", metadata: { name: routerNs, labels: { "containercloud.io/role": "router" } } }], LOCAL_CLUSTER);
        applyObjects([
            webPod("shop-web-probe", "shop", "shop answers"),
            pod("intruder", "data-jobs", ["sleep", "3600"]),
            pod("router-probe", routerNs, ["sleep", "3600"]),
        ], LOCAL_CLUSTER);
        waitReady("shop", ["shop-web-probe"]);
        waitReady("data-jobs", ["intruder"]);
        waitReady(routerNs, ["router-probe"]);
        const ip = podIp("shop", "shop-web-probe");
        const allowed = fetchFrom(routerNs, "router-probe", `http://${ip}:8080/`);
        assert.equal(allowed.code, 0, allowed.stderr);
        assert.equal(allowed.stdout.trim(), "shop answers");
        // The agent judges a pod's traffic once it has put the pod's address in its nftables set, a
        // second or two after the pod starts: wait (bounded) for the first refusal, then every
        // later attempt must be refused too.
        let first = -1;
        for (let i = 0; i < 10 && first < 0; i++) {
            if (fetchFrom("data-jobs", "intruder", `http://${ip}:8080/`).code !== 0) {
                first = i;
            }
        }
        assert.ok(first >= 0, "another tenant's pod still reached the shop's pod after 10 attempts");
        for (let i = 0; i < 3; i++) {
            const denied = fetchFrom("data-jobs", "intruder", `http://${ip}:8080/`);
            assert.notEqual(denied.code, 0, "another tenant's pod reached the shop's pod");
            assert.match(denied.stderr, /timed out|refused|unreachable/i);
        }
        const again = fetchFrom(routerNs, "router-probe", `http://${ip}:8080/`);
        assert.equal(again.code, 0, again.stderr);
    });

    it("runs the example apps' containers on the nodes, their processes visible on the host", () => {
        const pods = JSON.parse(mustK(["get", "pods", "-A", "-l", "containercloud.io/team", "-o", "json"])).items as any[];
        assert.deepEqual([...new Set(pods.map((p) => p.metadata.labels["app.kubernetes.io/name"]))].sort(), ["report-worker", "shop-web"]);
        for (const p of pods) {
            assert.equal(p.status.phase, "Running", `${p.metadata.namespace}/${p.metadata.name}`);
            const { pids } = containerPids(p);
            assert.ok(pids.length > 0, `no process of ${p.metadata.name} on the host`);
        }
        const web = pods.find((p) => p.metadata.labels["app.kubernetes.io/name"] === "shop-web");
        const cmd = containerPids(web).pids.map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "));
        assert.ok(cmd.some((c) => c.includes("httpd")), cmd.join("; "));
    });

});

// One smoke test per platform component, each a real request against the live local stack.
platformSmoke();

describe("after the platform's own tests", () => {
    it("changes nothing on a second pulumi up", () => {
        const r = pulumi("preview-again", ["preview", "--expect-no-changes", "--diff"]);
        assert.equal(r.code, 0, r.stdout.slice(-3000));
    });

    it("leaves no process, namespace, link, iptables chain, mount, cgroup or sysctl change after down", async () => {
        await localDown();
        assert.deepEqual(localLeftovers(), []);
    });
});
