import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { renderPlatformNetworkPolicySpec } from "../../components/core/network-policy";
import { MONITORING_NAMESPACE_LABELS, PROMETHEUS_POD_LABELS } from "../../components/core/monitoring";

describe("renderPlatformNetworkPolicySpec", () => {
    it("selects every pod of the namespace for ingress and egress, with egress open", () => {
        const s = renderPlatformNetworkPolicySpec();
        assert.deepEqual(s.podSelector, {});
        assert.deepEqual(s.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(s.egress, [{}]);
    });

    it("lets in the namespace's own pods and Prometheus on any port, and nothing else without open ports", () => {
        assert.deepEqual(renderPlatformNetworkPolicySpec().ingress, [
            { from: [{ podSelector: {} }] },
            { from: [{ namespaceSelector: { matchLabels: MONITORING_NAMESPACE_LABELS }, podSelector: { matchLabels: PROMETHEUS_POD_LABELS } }] },
        ]);
    });

    it("opens the given ports, by name or number, to any source", () => {
        const ingress = renderPlatformNetworkPolicySpec({ openPorts: ["https", 3100] }).ingress as unknown[];
        assert.deepEqual(ingress[2], { ports: [{ protocol: "TCP", port: "https" }, { protocol: "TCP", port: 3100 }] });
        assert.equal(ingress.length, 3);
    });
});
