import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backupScript, enableAuthScript, etcdFlags, etcdQuorum, initialCluster, serverDnsNames, validateEtcdReplicas } from "../../components/etcd/etcd-config";

const topo = { statefulSet: "etcd", peerService: "etcd-peer", clientService: "etcd-client", namespace: "etcd", clusterDomain: "cluster.local", replicas: 3 };

describe("etcdQuorum", () => {
    it("is a majority of the members", () => {
        assert.deepEqual([1, 3, 5, 7].map(etcdQuorum), [1, 2, 3, 4]);
    });
});

describe("validateEtcdReplicas", () => {
    it("rejects an even count with the exact message", () => {
        assert.equal(validateEtcdReplicas(4), "etcd replicas must be odd (got 4): set etcd.replicas to 3 or 5");
    });

    it("accepts 1, 3 and 5", () => {
        assert.deepEqual([1, 3, 5].map(validateEtcdReplicas), [undefined, undefined, undefined]);
    });
});

describe("initialCluster", () => {
    it("lists every member by its stable peer DNS name", () => {
        assert.equal(initialCluster(topo), [
            "etcd-0=https://etcd-0.etcd-peer.etcd.svc.cluster.local:2380",
            "etcd-1=https://etcd-1.etcd-peer.etcd.svc.cluster.local:2380",
            "etcd-2=https://etcd-2.etcd-peer.etcd.svc.cluster.local:2380",
        ].join(","));
    });
});

describe("serverDnsNames", () => {
    it("covers every member through a wildcard and the client Service", () => {
        const names = serverDnsNames(topo);
        assert.ok(names.includes("*.etcd-peer.etcd.svc.cluster.local"));
        assert.ok(names.includes("etcd-client.etcd.svc"));
    });
});

describe("etcdFlags", () => {
    const flags = etcdFlags(topo, { clusterToken: "t", quotaBackendBytes: 1024, tlsDir: "/tls", dataDir: "/data" });

    it("serves clients and peers over TLS with client-certificate auth", () => {
        for (const f of ["--listen-client-urls=https://0.0.0.0:2379", "--listen-peer-urls=https://0.0.0.0:2380", "--client-cert-auth=true", "--peer-client-cert-auth=true"]) {
            assert.ok(flags.includes(f), f);
        }
    });

    it("exposes metrics on a separate plain-HTTP listener", () => {
        assert.ok(flags.includes("--listen-metrics-urls=http://0.0.0.0:2381"));
    });

    it("names the member from the pod name", () => {
        assert.equal(flags[0], "--name=$(POD_NAME)");
        assert.ok(flags.includes("--initial-advertise-peer-urls=https://$(POD_NAME).etcd-peer.etcd.svc.cluster.local:2380"));
    });
});

describe("scripts", () => {
    it("enables auth idempotently", () => {
        const s = enableAuthScript();
        assert.match(s, /auth status/);
        assert.match(s, /user add root --new-user-password/);
        assert.match(s, /etcdctl auth enable$/);
    });

    it("keeps the newest snapshots up to the retention", () => {
        assert.match(backupScript(7), /tail -n \+8/);
    });
});
