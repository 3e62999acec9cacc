/**
 * Pure X.509 helpers behind `CertificateAuthority` and `Certificate`.
 *
 * Why node-forge: Node's `crypto` generates keys but cannot issue certificates, and shelling out to
 * `openssl` needs a binary the deploying machine may not have. node-forge is pure JavaScript, widely
 * used (it is what many Kubernetes tools' JS SDKs use for the same job) and already a dependency.
 * forge signs with RSA only (no EC), so every key here is RSA 2048.
 */

/** The key usages a leaf certificate may carry. */
export type CertificateUsage = "server" | "client";

/** What `issueCertificate` needs. */
export interface CertificateRequest {
    /** Subject common name. */
    commonName: string;
    /** Subject organization. @default none */
    organization?: string;
    /** DNS subject alternative names. @default [] */
    dnsNames?: string[];
    /** IP subject alternative names. @default [] */
    ipAddresses?: string[];
    /** Extended key usages. @default ["server"] */
    usages?: CertificateUsage[];
    /** Validity in days from now. */
    validityDays: number;
}

/** A certificate and its private key, PEM encoded. */
export interface PemPair {
    /** Certificate, PEM. */
    certPem: string;
    /** RSA private key, PEM (PKCS#1). */
    keyPem: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for a dotted-quad IPv4 address or an IPv6 address (contains `:`). */
export function isIpAddress(s: string): boolean {
    const m = IPV4.exec(s);
    if (m) {
        return m.slice(1).every((o) => Number(o) <= 255);
    }
    return s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s);
}

/**
 * The subjectAltName entries of a request, in a stable order: DNS names first (deduplicated, as
 * given), then IPs. Type 2 is dNSName, type 7 is iPAddress (RFC 5280).
 */
export function subjectAltNames(dnsNames: string[] = [], ipAddresses: string[] = []): { type: 2 | 7; value?: string; ip?: string }[] {
    const seen = new Set<string>();
    const out: { type: 2 | 7; value?: string; ip?: string }[] = [];
    for (const d of dnsNames) {
        if (!seen.has(d)) {
            seen.add(d);
            out.push({ type: 2, value: d });
        }
    }
    for (const ip of ipAddresses) {
        if (!seen.has(ip)) {
            seen.add(ip);
            out.push({ type: 7, ip });
        }
    }
    return out;
}

/** Validates a request; returns the first problem naming the field, or undefined. */
export function validateCertificateRequest(req: CertificateRequest): string | undefined {
    if (!req.commonName) {
        return "commonName must not be empty";
    }
    if (!Number.isInteger(req.validityDays) || req.validityDays < 1) {
        return `validityDays must be a positive integer (got ${req.validityDays})`;
    }
    for (const ip of req.ipAddresses ?? []) {
        if (!isIpAddress(ip)) {
            return `ipAddresses: "${ip}" is not an IP address`;
        }
    }
    for (const d of req.dnsNames ?? []) {
        if (!/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(d)) {
            return `dnsNames: "${d}" is not a DNS name`;
        }
    }
    return undefined;
}

function newSerial(): string {
    const crypto = require("crypto") as typeof import("crypto");
    // 16 random bytes with the top bit cleared: a positive serial, as RFC 5280 requires
    const b = crypto.randomBytes(16);
    b[0] &= 0x7f;
    return b.toString("hex");
}

function subject(commonName: string, organization?: string): { name: string; value: string }[] {
    return organization ? [{ name: "commonName", value: commonName }, { name: "organizationName", value: organization }] : [{ name: "commonName", value: commonName }];
}

/** Creates a self-signed CA certificate and key. */
export function createCertificateAuthority(commonName: string, validityDays: number, organization?: string): PemPair {
    const forge = require("node-forge") as typeof import("node-forge");
    const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = newSerial();
    cert.validity.notBefore = new Date(Date.now() - 5 * 60 * 1000); // clock skew between nodes
    cert.validity.notAfter = new Date(Date.now() + validityDays * 86400 * 1000);
    const attrs = subject(commonName, organization);
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Issues a leaf certificate signed by the CA. */
export function issueCertificate(ca: PemPair, req: CertificateRequest): PemPair {
    const forge = require("node-forge") as typeof import("node-forge");
    const caCert = forge.pki.certificateFromPem(ca.certPem);
    const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
    const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = newSerial();
    cert.validity.notBefore = new Date(Date.now() - 5 * 60 * 1000);
    cert.validity.notAfter = new Date(Date.now() + req.validityDays * 86400 * 1000);
    cert.setSubject(subject(req.commonName, req.organization));
    cert.setIssuer(caCert.subject.attributes);
    const usages = req.usages ?? ["server"];
    const exts: any[] = [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: usages.includes("server"), clientAuth: usages.includes("client") },
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ];
    const sans = subjectAltNames(req.dnsNames, req.ipAddresses);
    if (sans.length > 0) {
        exts.push({ name: "subjectAltName", altNames: sans });
    }
    cert.setExtensions(exts);
    cert.sign(caKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Keys whose change means "issue a new one"; any other input change is ignored by `diff`. */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
    return keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
}
