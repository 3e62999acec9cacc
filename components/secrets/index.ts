/** Deploy-time secrets: passwords, a CA and certificates, as dynamic resources held as Pulumi secrets. */
export { RandomSecret, randomSecretProvider } from "./random-secret";
export type { RandomSecretArgs } from "./random-secret";
export { CertificateAuthority, certificateAuthorityProvider } from "./certificate-authority";
export type { CertificateAuthorityArgs } from "./certificate-authority";
export { Certificate, certificateProvider } from "./certificate";
export type { CertificateArgs } from "./certificate";
export { CHARSETS, generatePassword, validatePasswordOptions } from "./password";
export type { Charset } from "./password";
export { createCertificateAuthority, issueCertificate, subjectAltNames, isIpAddress, validateCertificateRequest } from "./pki";
export type { CertificateRequest, CertificateUsage, PemPair } from "./pki";
