import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "crypto";
import { createCertificateAuthority, issueCertificate, isIpAddress, PemPair, subjectAltNames, validateCertificateRequest } from "../../components/secrets/pki";

describe("subjectAltNames", () => {
    it("lists DNS names before IPs, deduplicated, in the order given", () => {
        assert.deepEqual(subjectAltNames(["b.svc", "a.svc", "b.svc"], ["127.0.0.1"]), [
            { type: 2, value: "b.svc" }, { type: 2, value: "a.svc" }, { type: 7, ip: "127.0.0.1" },
        ]);
    });
});

describe("isIpAddress", () => {
    it("accepts IPv4 and IPv6 and rejects host names", () => {
        assert.equal(isIpAddress("10.0.0.1"), true);
        assert.equal(isIpAddress("::1"), true);
        assert.equal(isIpAddress("300.0.0.1"), false);
        assert.equal(isIpAddress("etcd.svc"), false);
    });
});

describe("validateCertificateRequest", () => {
    it("names the ipAddresses field for a bad IP", () => {
        assert.equal(validateCertificateRequest({ commonName: "x", ipAddresses: ["nope"], validityDays: 1 }), 'ipAddresses: "nope" is not an IP address');
    });

    it("accepts wildcard DNS names", () => {
        assert.equal(validateCertificateRequest({ commonName: "x", dnsNames: ["*.etcd-peer.etcd.svc"], validityDays: 1 }), undefined);
    });
});

describe("createCertificateAuthority and issueCertificate", () => {
    let ca: PemPair;
    let leaf: PemPair;
    before(() => {
        ca = createCertificateAuthority("test CA", 30, "containercloud");
        leaf = issueCertificate(ca, {
            commonName: "etcd", dnsNames: ["etcd.etcd.svc", "localhost"], ipAddresses: ["127.0.0.1"],
            usages: ["server", "client"], validityDays: 10,
        });
    });

    it("creates a CA certificate marked as a CA", () => {
        const x = new crypto.X509Certificate(ca.certPem);
        assert.equal(x.ca, true);
        assert.match(x.subject, /CN=test CA/);
    });

    it("issues a leaf that verifies against the CA", () => {
        const x = new crypto.X509Certificate(leaf.certPem);
        assert.equal(x.verify(new crypto.X509Certificate(ca.certPem).publicKey), true);
        assert.equal(x.ca, false);
    });

    it("puts DNS and IP SANs in the leaf", () => {
        const x = new crypto.X509Certificate(leaf.certPem);
        assert.equal(x.subjectAltName, "DNS:etcd.etcd.svc, DNS:localhost, IP Address:127.0.0.1");
    });

    it("pairs the leaf key with the leaf certificate (RSA 2048)", () => {
        const key = crypto.createPrivateKey(leaf.keyPem);
        assert.equal(key.asymmetricKeyType, "rsa");
        assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
        assert.equal(new crypto.X509Certificate(leaf.certPem).checkPrivateKey(key), true);
    });
});
