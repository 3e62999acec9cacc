/**
 * The App Router on the live local stack: Traefik routes requests for the example app's hosts to
 * its pod, over HTTP and over HTTPS with the router's default certificate, which the platform CA
 * issued. Requests go from the host (edge-1 shares its network) to the router's Service.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mustK } from "../../helpers/live-cluster";

/** Namespace and Service of the router in the local stack (AppRouter's defaults). */
const NS = "containercloud-router";
/** Hosts of the example app shop-web (stacks/apps/local/shop-web.yaml): its own and its extra route. */
const HOSTS = ["shop-web.shop.local.containercloud.test", "shop.local.containercloud.test"];
/** What shop-web's httpd serves (its command writes it). */
const BODY = "shop-web";

/** The last certificate of a PEM chain: the issuing CA, for the router's `leaf + CA` chain. */
export function lastPemCertificate(chain: string): string {
    const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    assert.ok(blocks.length >= 2, `expected a certificate and its CA in the router's chain, found ${blocks.length} certificates`);
    return `${blocks[blocks.length - 1]}\n`;
}

/** curl to the router's Service address for `host` (no DNS): status code and body. */
function curl(url: string, host: string, ip: string, extra: string[] = []): { status: number; body: string; stderr: string } {
    const u = new URL(url);
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    const r = spawnSync("curl", ["-sS", "--max-time", "10", "--resolve", `${host}:${port}:${ip}`, "-o", "-", "-w", "\n%{http_code}", ...extra, url], { encoding: "utf8" });
    const lines = r.stdout.trimEnd().split("\n");
    const status = Number(lines.pop());
    return { status, body: lines.join("\n").trim(), stderr: r.stderr };
}

export function routerSmoke(): void {
    describe("app router (Traefik)", () => {
        let ip = "";
        let caFile = "";

        before(() => {
            mustK(["rollout", "status", "-n", NS, "deployment/traefik", "--timeout=300s"]);
            ip = mustK(["get", "service", "-n", NS, "traefik", "-o", "jsonpath={.spec.clusterIP}"]).trim();
            const crt = Buffer.from(mustK(["get", "secret", "-n", NS, "default-certificate", "-o", "jsonpath={.data.tls\\.crt}"]), "base64").toString("utf8");
            caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "router-smoke-")), "ca.crt");
            fs.writeFileSync(caFile, lastPemCertificate(crt));
        });

        it("routes an HTTP request for each of the app's hosts to the app's pod", () => {
            for (const host of HOSTS) {
                const r = curl(`http://${host}/`, host, ip);
                assert.equal(r.status, 200, `${host}: ${r.stderr}`);
                assert.equal(r.body, BODY, host);
            }
        });

        it("serves HTTPS with a certificate the platform CA verifies, to the app's pod", () => {
            for (const host of HOSTS) {
                const r = curl(`https://${host}/`, host, ip, ["--cacert", caFile]);
                assert.equal(r.status, 200, `${host}: ${r.stderr}`);
                assert.equal(r.body, BODY, host);
            }
        });

        it("refuses a certificate check against another CA (the check is real)", () => {
            const other = spawnSync("curl", ["-sS", "--max-time", "10", "--resolve", `${HOSTS[0]}:443:${ip}`, "--cacert", "/etc/ssl/certs/ca-certificates.crt", `https://${HOSTS[0]}/`], { encoding: "utf8" });
            assert.notEqual(other.status, 0, "curl accepted the router's certificate with the system CAs only");
        });

        it("answers 404 for a host no Ingress routes", () => {
            const r = curl("http://nobody.local.containercloud.test/", "nobody.local.containercloud.test", ip);
            assert.equal(r.status, 404);
        });

        it("reports Traefik v3.7.13 from its image", () => {
            const pod = mustK(["get", "pods", "-n", NS, "-l", "app.kubernetes.io/name=traefik", "-o", "jsonpath={.items[0].metadata.name}"]).trim();
            const out = mustK(["exec", "-n", NS, pod, "--", "traefik", "version"]);
            assert.match(out, /Version:\s+v3\.7\.13/);
        });
    });
}

