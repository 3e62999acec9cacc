import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { randomSecretProvider } from "../../components/secrets/random-secret";
import { certificateAuthorityProvider } from "../../components/secrets/certificate-authority";
import { certificateProvider } from "../../components/secrets/certificate";
import { loadSerializedProvider } from "../helpers/dynamic-provider";

const inputs = { length: 24, charset: "alphanumeric", bcrypt: true, generation: 0 };

describe("randomSecretProvider", () => {
    it("creates a password of the requested length and its bcrypt hash", async () => {
        const r = await randomSecretProvider.create(inputs);
        assert.equal(r.outs.result.length, 24);
        const bcrypt = require("bcryptjs");
        assert.equal(bcrypt.compareSync(r.outs.result, r.outs.bcryptHash), true);
        assert.match(r.outs.bcryptHash, /^\$2[aby]\$10\$/);
    });

    it("reports no change when the inputs are unchanged (the value is kept across runs)", async () => {
        const r = await randomSecretProvider.create(inputs);
        const d = await randomSecretProvider.diff!(r.id, r.outs, { ...inputs });
        assert.equal(d.changes, false);
    });

    it("replaces the value when the length changes", async () => {
        const r = await randomSecretProvider.create(inputs);
        const d = await randomSecretProvider.diff!(r.id, r.outs, { ...inputs, length: 32 });
        assert.deepEqual(d.replaces, ["length"]);
    });

    it("fails check for a too-short length, naming the property", async () => {
        const c = await randomSecretProvider.check!({}, { ...inputs, length: 4 });
        assert.equal(c.failures?.[0].property, "length");
    });
});

describe("certificate providers", () => {
    it("issue a certificate from a created CA and keep it while inputs are unchanged", async () => {
        const ca = await certificateAuthorityProvider.create({ commonName: "ca", organization: "x", validityDays: 10, generation: 0 });
        const certInputs = {
            caCertPem: ca.outs.certPem, caKeyPem: ca.outs.keyPem, commonName: "leaf", organization: "",
            dnsNames: ["leaf.svc"], ipAddresses: [], usages: ["server"], validityDays: 5, generation: 0,
        };
        const leaf = await certificateProvider.create(certInputs);
        assert.match(leaf.outs.certPem, /BEGIN CERTIFICATE/);
        // the key is a private key whose public half is the certificate's
        const forge = require("node-forge");
        const key = forge.pki.privateKeyFromPem(leaf.outs.keyPem);
        const cert = forge.pki.certificateFromPem(leaf.outs.certPem);
        assert.equal(forge.pki.publicKeyToPem(forge.pki.setRsaPublicKey(key.n, key.e)), forge.pki.publicKeyToPem(cert.publicKey));
        const d = await certificateProvider.diff!(leaf.id, leaf.outs, { ...certInputs });
        assert.equal(d.changes, false);
        const d2 = await certificateProvider.diff!(leaf.id, leaf.outs, { ...certInputs, dnsNames: ["other.svc"] });
        assert.deepEqual(d2.replaces, ["dnsNames"]);
    });
});

describe("dynamic provider serialization", () => {
    it("serializes the RandomSecret provider into code that still creates passwords", async () => {
        const sf = await pulumi.runtime.serializeFunction(() => randomSecretProvider, { allowSecrets: false });
        const provider = loadSerializedProvider(sf.text);
        const r = await provider.create({ length: 16, charset: "hex", bcrypt: false, generation: 0 });
        assert.match(r.outs.result, /^[0-9a-f]{16}$/);
    });

    it("serializes the Certificate provider", async () => {
        const sf = await pulumi.runtime.serializeFunction(() => certificateProvider, { allowSecrets: false });
        assert.match(sf.text, /node-forge/);
    });
});
