/**
 * The platform registry on the live local stack: an image pushed and pulled over TLS, verified
 * against the platform CA, with the credentials a tenant namespace holds (its `registry-pull`
 * Secret), and refused without them; and a tenant pod that runs the pushed image, which the node's
 * containerd pulls from `registry.<domain>` through the router, trusting the platform CA that the
 * registry's node trust (components/registry/node-trust.ts) put on every node.
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
import { craneTool } from "../../../scripts/lib/image-tools";
import { ensureGoTool } from "../../../scripts/lib/tools";
import { BUSYBOX_IMAGE } from "../../../components/versions";
import { mirrorImage } from "../../../components/core/images";
import { k, mustK, waitReady } from "../../helpers/live-cluster";
import { applyObjects } from "../../../scripts/lib/kubectl";
import { LOCAL_CLUSTER, localRegistry } from "../../../scripts/lib/local-cluster";
import { localDomain } from "../../../scripts/lib/local-stack";

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
        let externalHost = "";
        let pushedDigest = "";

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
            externalHost = hosts.find((h) => h === `registry.${localDomain()}`) ?? assert.fail(`no registry.${localDomain()} in ${hosts.join(", ")}`);
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
            pushedDigest = push.stdout.trim().split("@")[1];
            assert.match(pushedDigest, /^sha256:[0-9a-f]{64}$/);
            const digest = craneIn(path.join(dir, "tenant"), ["digest", ref]);
            assert.equal(digest.code, 0, digest.stderr);
            assert.equal(digest.stdout.trim(), pushedDigest);
            const pull = craneIn(path.join(dir, "tenant"), ["pull", "--format", "oci", ref, path.join(dir, "pulled")]);
            assert.equal(pull.code, 0, pull.stderr);
            assert.ok(fs.readdirSync(path.join(dir, "pulled", "blobs", "sha256")).length >= 3, "the pulled layout has no config, manifest and layer");
        });

        /** Runs the pushed image in a tenant pod named `name`, which its node pulls from registry.<domain>; checks the pull. */
        function runFromPlatformRegistry(name: string): void {
            applyObjects([{
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name, namespace: TENANT_NS },
                spec: {
                    imagePullSecrets: [{ name: "registry-pull" }],
                    restartPolicy: "Never",
                    securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{
                        name: "smoke",
                        image: `${externalHost}/${TENANT_NS}/smoke:1`,
                        imagePullPolicy: "Always",
                        command: ["sh", "-c", "echo pulled; exec sleep 600"],
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                    }],
                },
            }], LOCAL_CLUSTER);
            try {
                const ready = k(["wait", "--for=condition=Ready", "--timeout=180s", "-n", TENANT_NS, `pod/${name}`]);
                const events = k(["get", "events", "-n", TENANT_NS, "--field-selector", `involvedObject.name=${name}`, "-o", "custom-columns=REASON:.reason,MESSAGE:.message"]).stdout;
                assert.equal(ready.code, 0, `the pod did not start:\n${events}`);
                // The kubelet pulled this reference (Always: no cached copy stands in for the pull)...
                assert.ok(events.includes(`Successfully pulled image "${externalHost}/${TENANT_NS}/smoke:1"`), events);
                // ...and runs the pushed content. (The imageID may name another repository holding the
                // same digest, such as the host mirror's busybox: the runtime stores content once.)
                const imageId = mustK(["get", "pod", "-n", TENANT_NS, name, "-o", "jsonpath={.status.containerStatuses[0].imageID}"]).trim();
                assert.ok(imageId.endsWith(`@${pushedDigest}`), imageId);
            } finally {
                k(["delete", "pod", "-n", TENANT_NS, name, "--wait=false"]);
            }
        }

        it("runs the pushed image in a tenant pod: the node's containerd pulls it from registry.<domain> through the router, trusting the platform CA", () => {
            assert.match(pushedDigest, /^sha256:/, "the push test did not run");
            runFromPlatformRegistry("registry-node-pull");
        });

        it("loses no image when the registry's pod is deleted, and nodes pull again once its new pod is Ready", async () => {
            assert.match(pushedDigest, /^sha256:/, "the push test did not run");
            const selector = "app.kubernetes.io/name=registry,app.kubernetes.io/component=registry";
            const podsOf = () => mustK(["get", "pods", "-n", REGISTRY_NS, "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"]).trim().split(/\s+/).filter((n) => n !== "");
            const before = podsOf();
            assert.ok(before.length > 0, "no registry pod");
            mustK(["delete", "pod", "-n", REGISTRY_NS, ...before, "--timeout=120s"]);
            // Its Deployment makes a new pod, on the same volume.
            const deadline = Date.now() + 180_000;
            let fresh: string[] = [];
            while ((fresh = podsOf().filter((n) => !before.includes(n))).length === 0 && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 2000));
            }
            assert.ok(fresh.length > 0, `no new registry pod within 180 s (pods: ${podsOf().join(", ")})`);
            waitReady(REGISTRY_NS, fresh);
            const digest = craneIn(path.join(dir, "tenant"), ["digest", `${registryHost}/${TENANT_NS}/smoke:1`]);
            assert.equal(digest.code, 0, digest.stderr);
            assert.equal(digest.stdout.trim(), pushedDigest, "the image's digest changed across the registry's restart");
            runFromPlatformRegistry("registry-node-pull-again");
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
