/**
 * A self-signed certificate authority generated at deploy time; its key is a Pulumi secret.
 * Dynamic provider for the same reason as `RandomSecret` (no random/tls provider plugins here).
 */
import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createCertificateAuthority } from "./pki";

const REPLACE_ON = ["commonName", "organization", "validityDays", "generation"] as const;

/** The dynamic provider behind `CertificateAuthority` (exported for tests). */
export const certificateAuthorityProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: any) {
        const pair = createCertificateAuthority(inputs.commonName, inputs.validityDays, inputs.organization || undefined);
        const crypto = require("crypto") as typeof import("crypto");
        return { id: crypto.randomUUID(), outs: { ...inputs, certPem: pair.certPem, keyPem: pair.keyPem } };
    },
    async diff(_id: string, olds: any, news: any) {
        const replaces = changedKeys(olds, news, REPLACE_ON);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
};

/** Arguments of `CertificateAuthority`. */
export interface CertificateAuthorityArgs {
    /** Subject common name, e.g. `containercloud etcd CA`. */
    commonName: string;
    /** Subject organization. @default "containercloud" */
    organization?: string;
    /** Validity in days. @default 3650 */
    validityDays?: number;
    /** Bump to rotate the CA (re-issues everything signed by it). @default 0 */
    generation?: number;
}

/** A CA: `certPem` is public, `keyPem` is secret. */
export class CertificateAuthority extends pulumi.dynamic.Resource {
    /** CA certificate, PEM. */
    declare public readonly certPem: pulumi.Output<string>;
    /** CA private key, PEM (secret). */
    declare public readonly keyPem: pulumi.Output<string>;

    constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.CustomResourceOptions) {
        const validityDays = args.validityDays ?? 3650;
        if (!Number.isInteger(validityDays) || validityDays < 1) {
            throw new pulumi.ResourceError(`CertificateAuthority ${name}: validityDays must be a positive integer (got ${validityDays})`, opts?.parent);
        }
        super(certificateAuthorityProvider, name, {
            commonName: args.commonName,
            organization: args.organization ?? "containercloud",
            validityDays,
            generation: args.generation ?? 0,
            certPem: undefined,
            keyPem: undefined,
        }, { ...opts, additionalSecretOutputs: ["keyPem"] }, "containercloud", "CertificateAuthority");
    }
}
