import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cidrsOverlap, parseCidr, validateNetworkCidrs } from "../../components/network/cidr";

describe("parseCidr", () => {
    it("parses a network and prefix", () => {
        assert.deepEqual(parseCidr("10.244.0.0/16"), { network: (10 << 24 >>> 0) + (244 << 16), prefix: 16 });
    });

    it("rejects host bits, bad octets and missing prefixes", () => {
        assert.equal(parseCidr("10.244.1.0/16"), undefined);
        assert.equal(parseCidr("10.300.0.0/16"), undefined);
        assert.equal(parseCidr("10.0.0.0"), undefined);
    });
});

describe("cidrsOverlap", () => {
    it("detects a range contained in another", () => {
        assert.equal(cidrsOverlap(parseCidr("10.0.0.0/8")!, parseCidr("10.96.0.0/12")!), true);
    });

    it("reports disjoint ranges as not overlapping", () => {
        assert.equal(cidrsOverlap(parseCidr("10.244.0.0/16")!, parseCidr("10.96.0.0/12")!), false);
    });
});

describe("validateNetworkCidrs", () => {
    const ok = { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", subnetLen: 24 };

    it("accepts the Kubernetes defaults", () => {
        assert.equal(validateNetworkCidrs(ok), undefined);
    });

    it("names network.podCidr when it does not parse", () => {
        assert.match(validateNetworkCidrs({ ...ok, podCidr: "banana" })!, /^network\.podCidr "banana" is not an IPv4 CIDR/);
    });

    it("rejects overlapping pod and service CIDRs", () => {
        assert.equal(validateNetworkCidrs({ ...ok, podCidr: "10.96.0.0/16" }), "network.podCidr 10.96.0.0/16 overlaps network.serviceCidr 10.96.0.0/12: choose disjoint ranges");
    });

    it("rejects a subnetLen not longer than the pod prefix", () => {
        assert.equal(validateNetworkCidrs({ ...ok, subnetLen: 16 }), "network.subnetLen 16 must be greater than the pod CIDR prefix (/16) and at most 30");
    });

    it("rejects a subnetLen above 30", () => {
        assert.match(validateNetworkCidrs({ ...ok, subnetLen: 31 })!, /network\.subnetLen 31/);
    });
});
