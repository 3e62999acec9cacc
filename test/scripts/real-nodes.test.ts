import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NODE_PRIVATE_FILES, NODE_PRIVATE_PATHS, NODE_ROLE_LABEL, holderScript, kubeProxyConfig, kubeletConfig, nodePaths } from "../../scripts/lib/real-nodes";
import { chainCleanup, vethName } from "../../scripts/lib/node-network";
import { apiServerArgs, controllerManagerArgs, etcdArgs } from "../../scripts/lib/control-plane";
import { extensions, subject } from "../../scripts/lib/local-pki";
import { coreDnsObjects, renderCorefile } from "../../scripts/lib/cluster-addons";
import { LOCAL_NODES, localLayout, localRegistry } from "../../scripts/lib/local-cluster";
import { localImageMirror } from "../../scripts/lib/local-stack";
import { NODE_ROLE_LABEL as PLATFORM_NODE_ROLE_LABEL } from "../../components/app-engine/workload";

const NODE = { name: "worker-1", role: "worker" as const, ip: "10.210.0.12", netns: "cc-worker-1" };
const INFO = { dnsIp: "10.96.0.10", podCidr: "10.244.0.0/16", caFile: "/pki/ca.crt", pkiDir: "/pki" };
const LAYOUT = localLayout({ podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" });

describe("kubeletConfig", () => {
    it("uses the cgroupfs driver under a cgroup root of the node's own, on cgroup v1", () => {
        const c = kubeletConfig(NODE, INFO);
        assert.equal(c.cgroupDriver, "cgroupfs");
        assert.equal(c.cgroupRoot, "/cc-worker-1");
        assert.equal(c.failCgroupV1, false);
    });
    it("points pods at the cluster DNS and authenticates callers by webhook and the cluster CA", () => {
        const c = kubeletConfig(NODE, INFO) as any;
        assert.deepEqual(c.clusterDNS, ["10.96.0.10"]);
        assert.equal(c.authentication.anonymous.enabled, false);
        assert.equal(c.authentication.x509.clientCAFile, "/pki/ca.crt");
        assert.equal(c.authorization.mode, "Webhook");
    });
    it("serves its API with a certificate of the cluster CA, not a self-signed one", () => {
        const c = kubeletConfig(NODE, INFO) as any;
        assert.equal(c.tlsCertFile, "/pki/kubelet-worker-1-serving.crt");
        assert.equal(c.tlsPrivateKeyFile, "/pki/kubelet-worker-1-serving.key");
    });
});

describe("kubeProxyConfig", () => {
    it("runs iptables mode and leaves the host's conntrack sysctls and route_localnet alone", () => {
        const c = kubeProxyConfig(NODE, INFO, "/k") as any;
        assert.equal(c.mode, "iptables");
        assert.equal(c.clusterCIDR, "10.244.0.0/16");
        assert.deepEqual(c.conntrack, { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" });
        assert.equal(c.iptables.localhostNodePorts, false);
    });
});

describe("node namespaces", () => {
    it("binds every private path from the node's own folder", () => {
        const p = nodePaths("/n", "worker-1");
        assert.deepEqual(p.binds.map((b) => b.target), [...NODE_PRIVATE_PATHS, ...NODE_PRIVATE_FILES]);
        assert.deepEqual(p.binds.filter((b) => b.file).map((b) => b.target), ["/etc/hosts"]);
        assert.ok(NODE_PRIVATE_PATHS.includes("/etc/containerd/certs.d"), "containerd's registry config folder is the node's own");
        assert.ok(p.binds.every((b) => b.source.startsWith("/n/worker-1/fs/")));
        assert.equal(new Set(p.binds.map((b) => b.source)).size, p.binds.length);
    });
    it("has the holder bind every path before it sleeps", () => {
        const script = holderScript(nodePaths("/n", "worker-1").binds);
        assert.equal(script.split("\n").filter((l) => l.startsWith("mount --bind")).length, NODE_PRIVATE_PATHS.length + NODE_PRIVATE_FILES.length);
        assert.ok(script.trim().endsWith("exec sleep infinity"));
    });
    it("names veths within the kernel's 15 characters", () => {
        assert.ok(LOCAL_NODES.every((n) => vethName(n).length <= 15));
        assert.equal(new Set(LOCAL_NODES.map(vethName)).size, LOCAL_NODES.length);
    });
    it("gives the local cluster at least two workers, and one node in the host's network", () => {
        assert.ok(LOCAL_NODES.filter((n) => n.role === "worker").length >= 2);
        assert.deepEqual(LOCAL_NODES.filter((n) => !n.netns).map((n) => n.name), ["edge-1"]);
    });
    it("labels node roles with the platform's own key", () => {
        assert.equal(NODE_ROLE_LABEL, PLATFORM_NODE_ROLE_LABEL);
    });
});

describe("chainCleanup", () => {
    const save = [
        "*nat",
        ":PREROUTING ACCEPT [0:0]",
        ":KUBE-SERVICES - [0:0]",
        ":FLANNEL-POSTRTG - [0:0]",
        ":MY-CHAIN - [0:0]",
        "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A POSTROUTING -j FLANNEL-POSTRTG",
        "-A PREROUTING -j MY-CHAIN",
        "-A KUBE-SERVICES -j RETURN",
        "COMMIT",
        "*filter",
        ":INPUT ACCEPT [0:0]",
        "-A INPUT -j ACCEPT",
        "COMMIT",
    ].join("\n");
    it("deletes the jumps into cluster chains, then flushes and removes them, and nothing else", () => {
        assert.equal(chainCleanup(save), [
            "*nat",
            "-D PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-D POSTROUTING -j FLANNEL-POSTRTG",
            "-F KUBE-SERVICES", "-F FLANNEL-POSTRTG",
            "-X KUBE-SERVICES", "-X FLANNEL-POSTRTG",
            "COMMIT",
            "",
        ].join("\n"));
    });
    it("writes nothing for a host without cluster chains", () => {
        assert.equal(chainCleanup("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"), "");
    });
});

describe("control plane flags", () => {
    it("has the API server reach kubelets by InternalIP and serve on the node network", () => {
        const a = apiServerArgs(LAYOUT);
        assert.ok(a.includes("--kubelet-preferred-address-types=InternalIP,Hostname"));
        assert.ok(a.includes("--bind-address=10.210.0.1"));
        assert.ok(a.includes("--service-cluster-ip-range=10.96.0.0/12"));
        assert.ok(a.includes("--authorization-mode=Node,RBAC"));
    });
    it("turns the aggregation layer on, accepting only the front-proxy client's name", () => {
        const a = apiServerArgs(LAYOUT);
        assert.ok(a.includes("--requestheader-allowed-names=front-proxy-client"));
        assert.ok(a.some((x) => x.startsWith("--proxy-client-cert-file=") && x.endsWith("front-proxy-client.crt")));
        assert.ok(a.some((x) => x.startsWith("--requestheader-client-ca-file=")));
    });
    it("has the controller-manager allocate node pod CIDRs from the stack's pod CIDR", () => {
        const a = controllerManagerArgs(LAYOUT);
        assert.ok(a.includes("--allocate-node-cidrs=true"));
        assert.ok(a.includes("--cluster-cidr=10.244.0.0/16"));
    });
    it("keeps etcd on loopback", () => {
        assert.ok(etcdArgs(LAYOUT).every((a) => !a.includes("://") || a.includes("127.0.0.1")));
    });
    it("puts the kubernetes Service address in the API server certificate", () => {
        assert.equal(LAYOUT.apiServiceIp, "10.96.0.1");
    });
});

describe("local PKI", () => {
    it("writes groups as organisations before the common name", () => {
        assert.equal(subject("system:node:worker-1", ["system:nodes"]), "/O=system:nodes/CN=system:node:worker-1");
    });
    it("makes client-only certificates without SANs and server certificates with them", () => {
        assert.match(extensions({ name: "c", cn: "c" }), /extendedKeyUsage=clientAuth\n$/);
        assert.match(extensions({ name: "s", cn: "s", sans: { dns: ["kubernetes"], ips: ["10.96.0.1"] } }), /subjectAltName=DNS:kubernetes,IP:10\.96\.0\.1/);
    });
});

describe("CoreDNS add-on", () => {
    it("serves the kube-dns Service at the kubelets' cluster DNS address", () => {
        const svc = coreDnsObjects({ dnsIp: "10.96.0.10", image: "m/coredns:1" }).find((o) => o.kind === "Service") as any;
        assert.equal(svc.spec.clusterIP, "10.96.0.10");
        assert.deepEqual(svc.spec.ports.map((p: any) => `${p.port}/${p.protocol}`), ["53/UDP", "53/TCP", "9153/TCP"]);
    });
    it("answers cluster.local from the API and has health and ready endpoints for its probes", () => {
        const f = renderCorefile();
        assert.match(f, /kubernetes cluster\.local in-addr\.arpa ip6\.arpa/);
        assert.match(f, /\n {4}health \{/);
        assert.match(f, /\n {4}ready\n/);
    });
});

describe("local stack and cluster", () => {
    it("names the host registry as the local stack's image mirror", () => {
        assert.equal(localImageMirror(), localRegistry());
    });
});
