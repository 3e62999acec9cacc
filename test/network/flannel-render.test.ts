import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { flanneldArgs, renderCniConf, renderNetConf, validateFlannelArgs } from "../../components/network/flannel-config";
import { kubeNetworkPoliciesArgs } from "../../components/network/kube-network-policies";
import { policyExemptionAnnotation } from "../../components/core/policy-exemptions";

describe("renderNetConf", () => {
    it("renders the network, subnet length and a vxlan backend in a stable key order", () => {
        const conf = renderNetConf("10.244.0.0/16", 24, { type: "vxlan", vni: 1, port: 8472, directRouting: true, mtu: 1450 });
        assert.equal(conf, JSON.stringify({
            Network: "10.244.0.0/16", SubnetLen: 24,
            Backend: { Type: "vxlan", VNI: 1, Port: 8472, DirectRouting: true, MTU: 1450 },
        }, null, 2));
    });

    it("leaves unset vxlan options to Flannel's defaults", () => {
        assert.deepEqual(JSON.parse(renderNetConf("10.244.0.0/16", 24, { type: "vxlan" })).Backend, { Type: "vxlan" });
    });

    it("renders host-gw", () => {
        assert.deepEqual(JSON.parse(renderNetConf("10.244.0.0/16", 24, { type: "host-gw" })).Backend, { Type: "host-gw" });
    });

    it("renders wireguard with its listen port", () => {
        assert.deepEqual(JSON.parse(renderNetConf("10.244.0.0/16", 24, { type: "wireguard", listenPort: 51820 })).Backend, { Type: "wireguard", ListenPort: 51820 });
    });
});

describe("renderCniConf", () => {
    it("chains the flannel and portmap plugins", () => {
        const c = JSON.parse(renderCniConf());
        assert.deepEqual(c.plugins.map((p: any) => p.type), ["flannel", "portmap"]);
        assert.equal(c.plugins[0].delegate.isDefaultGateway, true);
    });
});

describe("validateFlannelArgs", () => {
    const ok = { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", subnetLen: 24, backend: { type: "vxlan" as const }, subnetManager: "kube" };

    it("names network.backend for an unknown backend", () => {
        assert.equal(validateFlannelArgs({ ...ok, backend: { type: "udp" } as any }), 'network.backend.type "udp" is not supported: use vxlan, host-gw, wireguard');
    });

    it("rejects a VNI out of range", () => {
        assert.equal(validateFlannelArgs({ ...ok, backend: { type: "vxlan", vni: 0 } }), "network.backend.vni 0 must be from 1 to 16777215");
    });

    it("refuses the etcd subnet manager, saying why it cannot work here", () => {
        assert.equal(validateFlannelArgs({ ...ok, subnetManager: "etcd" }),
            'network.subnetManager "etcd" is not supported: use kube. Flannel\'s etcd store cannot use the platform\'s etcd, which runs on the pod network Flannel itself provides');
    });
});

describe("flanneldArgs", () => {
    it("uses the Kubernetes subnet manager", () => {
        assert.deepEqual(flanneldArgs(true), ["--ip-masq", "--healthz-ip=127.0.0.1", "--healthz-port=10267", "--kube-subnet-mgr"]);
    });
});

describe("kubeNetworkPoliciesArgs", () => {
    it("names the agent's node and fails closed unless told otherwise", () => {
        assert.ok(kubeNetworkPoliciesArgs(false).includes("--hostname-override=$(MY_NODE_NAME)"));
        assert.ok(kubeNetworkPoliciesArgs(false).includes("--fail-open=false"));
        assert.ok(kubeNetworkPoliciesArgs(true).includes("--fail-open=true"));
    });
});

describe("policyExemptionAnnotation", () => {
    it("renders the JSON list the policy packs read", () => {
        assert.deepEqual(policyExemptionAnnotation([{ rule: "no-host-network", reason: "r" }]), {
            "containercloud.io/policy-exemptions": '[{"rule":"no-host-network","reason":"r"}]',
        });
    });
});
