/**
 * Where the App Engine gets generated secrets and certificates from: the platform's secrets
 * module (dynamic providers; the `random` plugin cannot be built here). One import site, so a
 * swap of the backing implementation is one diff.
 */
export { RandomSecret, CertificateAuthority, Certificate } from "../secrets";
