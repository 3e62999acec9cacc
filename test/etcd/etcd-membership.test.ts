/**
 * The membership scripts, run: `sh` with a fake `etcdctl` (a member list in a file; `member add`
 * and `member remove` edit it) and a fake `etcd` that records its flags, so each case checks what
 * the member would really do. The live run (test/e2e/platform/etcd-life.ts) does the same on etcd.
 */
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { memberStartScript, removeMembersScript } from "../../components/etcd/etcd-membership";
import { initialCluster } from "../../components/etcd/etcd-config";

const topo = { statefulSet: "etcd", peerService: "etcd-peer", clientService: "etcd-client", namespace: "etcd", clusterDomain: "cluster.local", replicas: 3 };
const peer = (i: number) => `https://etcd-${i}.etcd-peer.etcd.svc.cluster.local:2380`;
const started = (id: string, i: number) => `${id}, started, etcd-${i}, ${peer(i)}, https://etcd-${i}.etcd-peer.etcd.svc.cluster.local:2379, false`;

// The fake etcdctl: `down` makes every call fail (no cluster answers); `refuse-add` refuses the first add.
const FAKE_ETCDCTL = `#!/bin/sh
echo "etcdctl $*" >> "$FAKE/calls"
[ -e "$FAKE/down" ] && exit 1
prev=""; cmd=""; id=""; url=""
for a in "$@"; do
  [ "$prev" = remove ] && id="$a"
  case "$a" in list|add|remove) cmd="$a" ;; --peer-urls=*) url="\${a#--peer-urls=}" ;; esac
  prev="$a"
done
case "$cmd" in
  list) cat "$FAKE/list" ;;
  remove) grep -v "^$id, " "$FAKE/list" > "$FAKE/list.new" || true; mv "$FAKE/list.new" "$FAKE/list" ;;
  add)
    if [ -e "$FAKE/refuse-add" ]; then rm "$FAKE/refuse-add"; echo "etcdserver: unhealthy cluster" >&2; exit 1; fi
    echo "99, unstarted, , $url, , false" >> "$FAKE/list" ;;
esac
`;

let dir: string;
function run(script: string, envs: Record<string, string>, list: string[], opts: { down?: boolean; refuseAdd?: boolean; wal?: boolean } = {}) {
    fs.writeFileSync(path.join(dir, "list"), list.map((l) => `${l}\n`).join(""));
    fs.writeFileSync(path.join(dir, "calls"), "");
    if (opts.down) fs.writeFileSync(path.join(dir, "down"), "");
    if (opts.refuseAdd) fs.writeFileSync(path.join(dir, "refuse-add"), "");
    if (opts.wal) {
        fs.mkdirSync(path.join(dir, "data", "member", "wal"), { recursive: true });
        fs.writeFileSync(path.join(dir, "data", "member", "wal", "0.wal"), "");
    }
    const r = spawnSync("sh", ["-ec", script, "etcd-start", "--name=etcd-x"], {
        encoding: "utf8",
        env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, FAKE: dir, ROOT_PASSWORD: "pw", ...envs },
    });
    const calls = fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n").filter(Boolean);
    return { code: r.status, out: r.stdout, err: r.stderr, calls, etcd: calls.filter((c) => c.startsWith("etcd ")), list: fs.readFileSync(path.join(dir, "list"), "utf8") };
}

beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcd-membership-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "etcdctl"), FAKE_ETCDCTL, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "bin", "etcd"), '#!/bin/sh\necho "etcd $*" >> "$FAKE/calls"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "bin", "sleep"), "#!/bin/sh\n", { mode: 0o755 });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("memberStartScript", () => {
    const script = () => memberStartScript(topo, { dataDir: path.join(dir, "data"), tlsDir: "/tls" });
    const env = (i: number, replicas = 3) => ({ POD_NAME: `etcd-${i}`, BOOTSTRAP_CLUSTER: initialCluster({ ...topo, replicas }) });

    it("restarts a member that has a WAL from its data, with no --initial-cluster flags", () => {
        const r = run(script(), env(1), [], { wal: true });
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(r.etcd, ["etcd --name=etcd-x"]);
        assert.equal(r.calls.filter((c) => c.startsWith("etcdctl")).length, 0);
    });

    it("bootstraps a new cluster with `new` and the declared members when no other member answers", () => {
        const r = run(script(), env(0), [], { down: true });
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(r.etcd, [`etcd --name=etcd-x --initial-cluster=${initialCluster(topo)} --initial-cluster-state=new`]);
        assert.match(r.calls[0], /--endpoints=https:\/\/etcd-1\.etcd-peer\.etcd\.svc\.cluster\.local:2379,https:\/\/etcd-2\.etcd-peer\.etcd\.svc\.cluster\.local:2379 /);
        assert.match(r.calls[0], /--user=root:pw/);
    });

    it("joins a running cluster on a scale-up: member add with its peer URL, then `existing` with the member list", () => {
        const r = run(script(), env(3, 5), [started("a", 0), started("b", 1), started("c", 2)], { refuseAdd: true });
        assert.equal(r.code, 0, r.err);
        assert.equal(r.calls.filter((c) => c.includes(`member add etcd-3 --peer-urls=${peer(3)}`)).length, 2, "a refused add is retried");
        assert.deepEqual(r.etcd, [`etcd --name=etcd-x --initial-cluster=etcd-0=${peer(0)},etcd-1=${peer(1)},etcd-2=${peer(2)},etcd-3=${peer(3)} --initial-cluster-state=existing`]);
        assert.equal(r.calls.filter((c) => c.includes("member remove")).length, 0);
    });

    it("names another joiner that has not started yet from its peer URL", () => {
        const r = run(script(), env(3, 5), [started("a", 0), started("b", 1), started("c", 2), `d, unstarted, , ${peer(4)}, , false`]);
        assert.equal(r.code, 0, r.err);
        assert.match(r.etcd[0], new RegExp(`,etcd-4=${peer(4).replace(/\./g, "\\.")},etcd-3=`));
    });

    it("rejoins as a new member when it is listed as started but its data directory is empty (volume lost)", () => {
        const r = run(script(), env(2), [started("a", 0), started("b", 1), started("c", 2)]);
        assert.equal(r.code, 0, r.err);
        const order = r.calls.filter((c) => /member (remove|add)/.test(c)).map((c) => /member (remove c|add etcd-2)/.exec(c)?.[0]);
        assert.deepEqual(order, ["member remove c", "member add etcd-2"]);
        assert.match(r.out, /volume lost\): removing it to rejoin/);
        assert.match(r.etcd[0], /--initial-cluster-state=existing$/);
        assert.doesNotMatch(r.list, /^c, /m);
    });

    it("does not add itself twice when its peer URL is listed but not started (added before a crash, or a late first member)", () => {
        const r = run(script(), env(2), [started("a", 0), started("b", 1), `c, unstarted, , ${peer(2)}, , false`]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.calls.filter((c) => /member (add|remove)/.test(c)).length, 0);
        assert.deepEqual(r.etcd, [`etcd --name=etcd-x --initial-cluster=etcd-0=${peer(0)},etcd-1=${peer(1)},etcd-2=${peer(2)} --initial-cluster-state=existing`]);
    });

    it("clears a data directory without a WAL (an aborted join) before joining", () => {
        fs.mkdirSync(path.join(dir, "data", "member", "snap"), { recursive: true });
        const r = run(script(), env(2), [started("a", 0), started("b", 1), `c, unstarted, , ${peer(2)}, , false`]);
        assert.equal(r.code, 0, r.err);
        assert.equal(fs.existsSync(path.join(dir, "data")), false);
    });
});

describe("removeMembersScript", () => {
    it("removes exactly the members whose ordinal is at or above REPLICAS, unstarted ones included", () => {
        const list = [started("a", 0), started("b", 1), started("c", 2), started("d", 3), `e, unstarted, , ${peer(4)}, , false`, started("f", 10)];
        const r = run(removeMembersScript(topo), { REPLICAS: "3" }, list);
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(r.calls.filter((c) => c.includes("member remove")).map((c) => c.split(" ").pop()), ["d", "e", "f"]);
        assert.deepEqual(r.list.trim().split("\n").map((l) => l.split(",")[0]), ["a", "b", "c"]);
        assert.match(r.out, /removing member d: its ordinal is at or above etcd\.replicas \(3\)/);
    });

    it("removes nothing on a scale-up", () => {
        const r = run(removeMembersScript({ ...topo, replicas: 5 }), { REPLICAS: "5" }, [started("a", 0), started("b", 1), started("c", 2)]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.calls.filter((c) => c.includes("member remove")).length, 0);
    });

    it("fails when the member list cannot be read, so the Job retries", () => {
        const r = run(removeMembersScript(topo), { REPLICAS: "3" }, [], { down: true });
        assert.notEqual(r.code, 0);
    });
});
