import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { routerOnlyExternalServices, tenantNamespaceDefaultDeny } from "../../policies/rules";
import { checkStack, stackResource } from "./harness";
import { deployment, T, tenantIsolation, tenantNamespace } from "./fixtures";

const svc = (type: string, namespace: string, name = "edge") => ({ metadata: { name, namespace }, spec: { type, ports: [{ port: 443 }] } });

describe("router-only-external-services", () => {
    const policy = routerOnlyExternalServices();
    const routerNs = stackResource(T.namespace, { metadata: { name: "app-router", labels: { "containercloud.io/role": "router" } } });

    it("passes a LoadBalancer in the namespace labelled as the router", async () => {
        const out = await checkStack(policy, [routerNs, stackResource(T.service, svc("LoadBalancer", "app-router"))]);
        assert.deepEqual(out.messages, []);
    });

    it("fails a LoadBalancer in a tenant namespace", async () => {
        const s = stackResource(T.service, svc("LoadBalancer", "shop", "web"));
        const out = await checkStack(policy, [routerNs, s]);
        assert.deepEqual(out.messages, [`Service "web" in namespace shop is type LoadBalancer; only the App Router may expose Services outside the cluster`]);
        assert.equal(out.reports[0].urn, s.urn);
    });

    it("fails a NodePort outside the router", async () => {
        const out = await checkStack(policy, [stackResource(T.service, svc("NodePort", "shop"))]);
        assert.equal(out.messages.length, 1);
    });

    it("takes extra router namespaces from config", async () => {
        const out = await checkStack(policy, [stackResource(T.service, svc("NodePort", "ingress"))], { config: { routerNamespaces: ["ingress"] } });
        assert.deepEqual(out.messages, []);
    });

    it("is not applicable to a stack with only ClusterIP Services", async () => {
        const out = await checkStack(policy, [stackResource(T.service, svc("ClusterIP", "shop")), stackResource(T.deployment, deployment())]);
        assert.ok(out.notApplicable);
    });
});

describe("tenant-namespace-default-deny", () => {
    const policy = tenantNamespaceDefaultDeny();
    const ns = () => stackResource(T.namespace, tenantNamespace("shop"));

    it("passes a tenant with a default-deny policy next to narrower allows", async () => {
        const allowDns = { metadata: { name: "allow-dns", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] } };
        const out = await checkStack(policy, [ns(), stackResource(T.networkPolicy, allowDns), stackResource(T.networkPolicy, tenantIsolation("shop").defaultDeny)]);
        assert.deepEqual(out.messages, []);
    });

    it("fails a tenant without any NetworkPolicy", async () => {
        const n = ns();
        const out = await checkStack(policy, [n]);
        assert.deepEqual(out.messages, [`tenant Namespace "shop" has no default-deny NetworkPolicy`]);
        assert.equal(out.reports[0].urn, n.urn);
    });

    it("does not take an ingress-only deny for a default-deny", async () => {
        const ingressOnly = { metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } };
        assert.equal((await checkStack(policy, [ns(), stackResource(T.networkPolicy, ingressOnly)])).messages.length, 1);
    });

    it("does not take a policy with allow rules for a default-deny", async () => {
        const allowAll = { metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] } };
        assert.equal((await checkStack(policy, [ns(), stackResource(T.networkPolicy, allowAll)])).messages.length, 1);
    });

    it("does not take a policy that selects only some pods", async () => {
        const some = { metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Ingress", "Egress"] } };
        assert.equal((await checkStack(policy, [ns(), stackResource(T.networkPolicy, some)])).messages.length, 1);
    });

    it("reports at the configured level", async () => {
        assert.equal((await checkStack(policy, [ns()], { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable to a stack without tenant namespaces", async () => {
        assert.ok((await checkStack(policy, [stackResource(T.namespace, { metadata: { name: "rook-ceph", labels: { "containercloud.io/namespace-owner": "platform" } } })])).notApplicable);
    });
});
