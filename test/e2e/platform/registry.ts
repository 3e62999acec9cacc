/**
 * The platform registry on the live local stack: an image pushed and pulled over TLS, verified
 * against the platform CA, with the credentials a tenant namespace holds (its `registry-pull`
 * Secret), and refused without them.
 *
 * crane runs on the host in a mount namespace of its own whose /etc/resolv.conf names the cluster's
 * DNS, so the registry is reached by the name in the tenant's credentials
 * (`registry.<namespace>.svc:5000`) through the real Service, and the host's files stay untouched.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { localRegistry } from "../../../scripts/lib/local-cluster";
import { craneTool } from "../../../scripts/lib/image-tools";
import { ensureGoTool } from "../../../scripts/lib/tools";
import { BUSYBOX_IMAGE } from "../../../components/versions";
import { mirrorImage } from "../../../components/core/images";
import { mustK } from "../../helpers/live-cluster";

const REGISTRY_NS = "containercloud-registry";
const TENANT_NS = "shop";

function secretKey(ns: string, name: string, key: string): string {
    const b64 = mustK(["get", "secret", "-n", ns, name, "-o", `jsonpath={.data.${key.replace(/\./g, "\\.")}}`]).trim();
    return Buffer.from(b64, "base64").toString("utf8");
}

export function registrySmoke(): void {
    describe("platform registry", () => {
        let crane = "";
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-registry-smoke-"));
        let registryHost = "";

        /** crane with the given docker config folder, in a mount namespace that resolves cluster names. */
        function craneIn(dockerConfig: string, args: string[]) {
            const script = 'mount --bind "$RESOLV" /etc/resolv.conf && exec "$CRANE" "$@"';
            const r = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "crane", ...args], {
                encoding: "utf8",
                timeout: 120_000,
                env: { ...process.env, RESOLV: path.join(dir, "resolv.conf"), CRANE: crane, DOCKER_CONFIG: dockerConfig, SSL_CERT_FILE: path.join(dir, "ca.crt") },
            });
            return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
        }

        before(async () => {
            crane = await ensureGoTool(craneTool(), "test");
            const dnsIp = mustK(["get", "svc", "-n", "kube-system", "kube-dns", "-o", "jsonpath={.spec.clusterIP}"]).trim();
            fs.writeFileSync(path.join(dir, "resolv.conf"), `nameserver ${dnsIp}\nsearch svc.cluster.local cluster.local\n`);
            const tlsSecret = JSON.parse(mustK(["get", "deployment", "-n", REGISTRY_NS, "registry", "-o", "json"])).spec.template.spec.volumes
                .find((v: any) => v.secret && v.name.includes("tls")).secret.secretName;
            fs.writeFileSync(path.join(dir, "ca.crt"), secretKey(REGISTRY_NS, tlsSecret, "ca.crt"));
            const tenantConfig = secretKey(TENANT_NS, "registry-pull", ".dockerconfigjson");
            // The in-cluster name; the external one (registry.<domain>) is served through the router.
            const hosts = Object.keys(JSON.parse(tenantConfig).auths);
            registryHost = hosts.find((h) => h.startsWith(`registry.${REGISTRY_NS}.svc`)) ?? assert.fail(`no in-cluster registry host in ${hosts.join(", ")}`);
            fs.mkdirSync(path.join(dir, "tenant"));
            fs.writeFileSync(path.join(dir, "tenant", "config.json"), tenantConfig);
            fs.mkdirSync(path.join(dir, "anonymous"));
            fs.writeFileSync(path.join(dir, "anonymous", "config.json"), "{}");
            // The image to push: busybox, as the host registry serves it to the nodes.
            const pulled = spawnSync(crane, ["pull", "--insecure", "--format", "oci", mirrorImage(BUSYBOX_IMAGE, localRegistry()), path.join(dir, "image")], { encoding: "utf8" });
            assert.equal(pulled.status, 0, pulled.stderr);
        });

        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("pushes and pulls an image with the tenant's credentials, over TLS under the platform CA", () => {
            const ref = `${registryHost}/${TENANT_NS}/smoke:1`;
            const push = craneIn(path.join(dir, "tenant"), ["push", path.join(dir, "image"), ref]);
            assert.equal(push.code, 0, push.stderr);
            const pushedDigest = push.stdout.trim().split("@")[1];
            assert.match(pushedDigest, /^sha256:[0-9a-f]{64}$/);
            const digest = craneIn(path.join(dir, "tenant"), ["digest", ref]);
            assert.equal(digest.code, 0, digest.stderr);
            assert.equal(digest.stdout.trim(), pushedDigest);
            const pull = craneIn(path.join(dir, "tenant"), ["pull", "--format", "oci", ref, path.join(dir, "pulled")]);
            assert.equal(pull.code, 0, pull.stderr);
            assert.ok(fs.readdirSync(path.join(dir, "pulled", "blobs", "sha256")).length >= 3, "the pulled layout has no config, manifest and layer");
        });

        it("refuses a pull and a push without credentials", () => {
            const ref = `${registryHost}/${TENANT_NS}/smoke:1`;
            const pull = craneIn(path.join(dir, "anonymous"), ["digest", ref]);
            assert.notEqual(pull.code, 0, "an anonymous client read the tenant's image");
            assert.match(pull.stderr, /UNAUTHORIZED|401/);
            const push = craneIn(path.join(dir, "anonymous"), ["push", path.join(dir, "image"), `${registryHost}/${TENANT_NS}/anonymous:1`]);
            assert.notEqual(push.code, 0, "an anonymous client pushed");
            assert.match(push.stderr, /UNAUTHORIZED|401/);
        });
    });
}
