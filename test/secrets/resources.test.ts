import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { loadSerializedProvider } from "../helpers/dynamic-provider";

const rec: Recorder = recordRegistrations();
let secret: import("../../components/secrets/random-secret").RandomSecret;
let cert: import("../../components/secrets/certificate").Certificate;

describe("secret resources under mocks", () => {
    before(async () => {
        const rs = await import("../../components/secrets/random-secret");
        const ca = await import("../../components/secrets/certificate-authority");
        const c = await import("../../components/secrets/certificate");
        secret = new rs.RandomSecret("pw", { length: 20, bcrypt: true });
        const authority = new ca.CertificateAuthority("ca", { commonName: "test CA" });
        cert = new c.Certificate("leaf", { caCertPem: authority.certPem, caKeyPem: authority.keyPem, commonName: "leaf", dnsNames: ["leaf.svc"] });
        await rec.settle();
    });

    it("exposes its generated values as Outputs (not shadowed by class fields)", () => {
        assert.ok(pulumi.Output.isInstance(secret.result));
        assert.ok(pulumi.Output.isInstance(secret.bcryptHash));
        assert.ok(pulumi.Output.isInstance(cert.keyPem));
    });

    it("registers a RandomSecret with its resolved defaults", () => {
        const r = rec.one("pulumi-nodejs:dynamic/containercloud:RandomSecret", "pw");
        assert.equal(r.inputs.length, 20);
        assert.equal(r.inputs.charset, "alphanumeric");
        assert.equal(r.inputs.bcrypt, true);
    });

    it("registers a Certificate with its SANs and server usage by default", () => {
        const r = rec.one("pulumi-nodejs:dynamic/containercloud:Certificate", "leaf");
        assert.deepEqual(r.inputs.dnsNames, ["leaf.svc"]);
        assert.deepEqual(r.inputs.usages, ["server"]);
    });

    it("rejects a bad IP address naming the field", async () => {
        const c = await import("../../components/secrets/certificate");
        assert.throws(() => new c.Certificate("bad", { caCertPem: "a", caKeyPem: "b", commonName: "x", ipAddresses: ["nope"] }), /Certificate bad: ipAddresses: "nope" is not an IP address/);
    });
});

describe("dynamic resources registered through pulumi.dynamic.Resource", () => {
    it("register the type and the provider that pulumi.dynamic.Resource would (existing stacks see no change)", async () => {
        const rs = await import("../../components/secrets/random-secret");
        new rs.RandomSecret("cached", { length: 20 });
        class SdkWay extends pulumi.dynamic.Resource {
            constructor(name: string) {
                super(rs.randomSecretProvider, name, { length: 20, charset: "alphanumeric", bcrypt: false, generation: 0, result: undefined, bcryptHash: undefined }, {}, "containercloud", "RandomSecret");
            }
        }
        new SdkWay("sdk-way");
        await rec.settle();
        const a = rec.one("pulumi-nodejs:dynamic/containercloud:RandomSecret", "cached");
        const b = rec.one("pulumi-nodejs:dynamic/containercloud:RandomSecret", "sdk-way");
        assert.equal(a.type, b.type);
        assert.equal(typeof a.inputs.__provider, "string");
        // The texts differ only in how the outer `() => provider` is spelled by the transpiler: the
        // provider they load has the same methods with the same code.
        const load = (text: string) => {
            const p = loadSerializedProvider(text);
            return Object.fromEntries(Object.keys(p).map((k) => [k, String(p[k])]));
        };
        assert.deepEqual(load(a.inputs.__provider), load(b.inputs.__provider));
        assert.deepEqual(Object.keys(load(a.inputs.__provider)).sort(), ["check", "create", "diff"]);
    });
});
