/**
 * The local cluster's PKI, made with the openssl CLI the way a kubeadm-style cluster has it: one CA
 * for the API server, the kubelets and the clients; a service-account key pair; a kubeconfig per
 * client. Files live in the cluster's own folder and are made once: `up` after `up` reuses them.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";

/** A client or server certificate to issue. */
export interface CertRequest {
    /** File stem: `<name>.crt` and `<name>.key`. */
    name: string;
    /** Subject common name (the user name for a client certificate). */
    cn: string;
    /** Subject organisations (the groups of a client certificate). @default [] */
    orgs?: string[];
    /** DNS names and IP addresses for a server certificate. @default none: a client certificate */
    sans?: { dns: string[]; ips: string[] };
}

/** The `-subj` argument for a certificate: `/O=a/O=b/CN=c`. */
export function subject(cn: string, orgs: string[] = []): string {
    return `${orgs.map((o) => `/O=${o}`).join("")}/CN=${cn}`;
}

/** The openssl v3 extension section for a certificate: key usage, and SANs for a server. */
export function extensions(req: CertRequest): string {
    const lines = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment"];
    if (req.sans) {
        const alt = [...req.sans.dns.map((d) => `DNS:${d}`), ...req.sans.ips.map((ip) => `IP:${ip}`)];
        lines.push("extendedKeyUsage=serverAuth,clientAuth", `subjectAltName=${alt.join(",")}`);
    } else {
        lines.push("extendedKeyUsage=clientAuth");
    }
    return `${lines.join("\n")}\n`;
}

function openssl(args: string[], cwd: string): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** Makes the CA (once) in `dir`: `ca.crt`, `ca.key`. */
export function ensureCa(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (fs.existsSync(path.join(dir, "ca.crt"))) {
        return;
    }
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650", "-subj", "/CN=containercloud-local-ca"], dir);
}

/** Issues a certificate signed by the CA in `dir` unless it exists. */
export function ensureCert(dir: string, req: CertRequest): void {
    const crt = path.join(dir, `${req.name}.crt`);
    if (fs.existsSync(crt)) {
        return;
    }
    const ext = path.join(dir, `${req.name}.ext`);
    fs.writeFileSync(ext, extensions(req));
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${req.name}.key`, "-out", `${req.name}.csr`, "-subj", subject(req.cn, req.orgs)], dir);
    openssl(["x509", "-req", "-in", `${req.name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${req.name}.crt`, "-days", "825", "-extfile", ext], dir);
    fs.rmSync(path.join(dir, `${req.name}.csr`));
    fs.rmSync(ext);
}

/** Makes the service-account signing key pair (once): `sa.key`, `sa.pub`. */
export function ensureServiceAccountKeys(dir: string): void {
    if (fs.existsSync(path.join(dir, "sa.pub"))) {
        return;
    }
    openssl(["genrsa", "-out", "sa.key", "2048"], dir);
    openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

/** A kubeconfig for one client certificate of `pkiDir`, with the files embedded. */
export function renderKubeconfig(server: string, pkiDir: string, name: string): string {
    const b64 = (f: string) => fs.readFileSync(path.join(pkiDir, f)).toString("base64");
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "containercloud-local", cluster: { server, "certificate-authority-data": b64("ca.crt") } }],
        users: [{ name, user: { "client-certificate-data": b64(`${name}.crt`), "client-key-data": b64(`${name}.key`) } }],
        contexts: [{ name: "containercloud-local", context: { cluster: "containercloud-local", user: name } }],
        "current-context": "containercloud-local",
    }, null, 2);
}
