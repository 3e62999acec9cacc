/** A leaf certificate signed by a `CertificateAuthority` at deploy time; its key is a Pulumi secret. */
import * as pulumi from "@pulumi/pulumi";
import { CertificateUsage, changedKeys, issueCertificate, validateCertificateRequest } from "./pki";

const REPLACE_ON = ["caCertPem", "caKeyPem", "commonName", "organization", "dnsNames", "ipAddresses", "usages", "validityDays", "generation"] as const;

/** The dynamic provider behind `Certificate` (exported for tests). */
export const certificateProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: any) {
        const pair = issueCertificate({ certPem: inputs.caCertPem, keyPem: inputs.caKeyPem }, {
            commonName: inputs.commonName,
            organization: inputs.organization || undefined,
            dnsNames: inputs.dnsNames,
            ipAddresses: inputs.ipAddresses,
            usages: inputs.usages,
            validityDays: inputs.validityDays,
        });
        const crypto = require("crypto") as typeof import("crypto");
        return { id: crypto.randomUUID(), outs: { ...inputs, certPem: pair.certPem, keyPem: pair.keyPem } };
    },
    async diff(_id: string, olds: any, news: any) {
        const replaces = changedKeys(olds, news, REPLACE_ON);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
};

/** Arguments of `Certificate`. */
export interface CertificateArgs {
    /** Issuing CA certificate, PEM. */
    caCertPem: pulumi.Input<string>;
    /** Issuing CA private key, PEM (pass the CA's secret output). */
    caKeyPem: pulumi.Input<string>;
    /** Subject common name. */
    commonName: string;
    /** Subject organization. @default "" */
    organization?: string;
    /** DNS subject alternative names. @default [] */
    dnsNames?: string[];
    /** IP subject alternative names. @default [] */
    ipAddresses?: string[];
    /** Extended key usages. @default ["server"] */
    usages?: CertificateUsage[];
    /** Validity in days. @default 825 */
    validityDays?: number;
    /** Bump to re-issue. @default 0 */
    generation?: number;
}

/** A certificate: `certPem` and `caCertPem` are public, `keyPem` is secret. */
export class Certificate extends pulumi.dynamic.Resource {
    /** Certificate, PEM. */
    declare public readonly certPem: pulumi.Output<string>;
    /** Private key, PEM (secret). */
    declare public readonly keyPem: pulumi.Output<string>;
    /** The issuing CA's certificate, PEM. */
    declare public readonly caCertPem: pulumi.Output<string>;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
        const validityDays = args.validityDays ?? 825;
        const usages = args.usages ?? ["server"];
        const dnsNames = args.dnsNames ?? [];
        const ipAddresses = args.ipAddresses ?? [];
        const problem = validateCertificateRequest({ commonName: args.commonName, dnsNames, ipAddresses, usages, validityDays });
        if (problem) {
            throw new pulumi.ResourceError(`Certificate ${name}: ${problem}`, opts?.parent);
        }
        super(certificateProvider, name, {
            caCertPem: args.caCertPem,
            caKeyPem: pulumi.secret(args.caKeyPem),
            commonName: args.commonName,
            organization: args.organization ?? "",
            dnsNames,
            ipAddresses,
            usages,
            validityDays,
            generation: args.generation ?? 0,
            certPem: undefined,
            keyPem: undefined,
        }, { ...opts, additionalSecretOutputs: ["keyPem", "caKeyPem"] }, "containercloud", "Certificate");
    }
}
