import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { hostPathRule, renderDynamicConfig, renderTraefikArgs, TrafficSplit } from "../../components/app-engine/router-config";

const split = (over: Partial<TrafficSplit> = {}): TrafficSplit => ({
    name: "shop-shop-web",
    namespace: "shop",
    routes: [{ host: "shop-web.shop.x.io", paths: ["/"] }, { host: "shop.x.io", paths: ["/", "/api"] }],
    stableService: "shop-web-web-stable",
    canaryService: "shop-web-web-canary",
    port: 80,
    canaryWeight: 10,
    ...over,
});

describe("renderDynamicConfig", () => {
    it("weights the canary track by the manifest's weight and the stable track by the rest", () => {
        const doc = parse(renderDynamicConfig({ defaultCertificate: false, splits: [split()] }));
        assert.deepEqual(doc.http.services["shop-shop-web-split"], {
            weighted: { services: [{ name: "shop-shop-web-stable", weight: 90 }, { name: "shop-shop-web-canary", weight: 10 }] },
        });
    });

    it("sends each track to its own Service in the app's namespace", () => {
        const doc = parse(renderDynamicConfig({ defaultCertificate: false, splits: [split()] }));
        assert.deepEqual(doc.http.services["shop-shop-web-stable"], { loadBalancer: { servers: [{ url: "http://shop-web-web-stable.shop.svc:80" }] } });
        assert.deepEqual(doc.http.services["shop-shop-web-canary"], { loadBalancer: { servers: [{ url: "http://shop-web-web-canary.shop.svc:80" }] } });
    });

    it("makes one router per host and path, with the rule (and so the priority) of the Ingress router it stands in for", () => {
        const doc = parse(renderDynamicConfig({ defaultCertificate: false, splits: [split()] }));
        assert.deepEqual(doc.http.routers, {
            "shop-shop-web-0-0": { rule: "Host(\"shop-web.shop.x.io\") && PathPrefix(\"/\")", service: "shop-shop-web-split" },
            "shop-shop-web-1-0": { rule: "Host(\"shop.x.io\") && PathPrefix(\"/\")", service: "shop-shop-web-split" },
            "shop-shop-web-1-1": { rule: "Host(\"shop.x.io\") && PathPrefix(\"/api\")", service: "shop-shop-web-split" },
        });
    });

    it("keeps a weight of 0 as 0 (all traffic to stable) and 100 as all to the canary", () => {
        const w = (canaryWeight: number) => parse(renderDynamicConfig({ defaultCertificate: false, splits: [split({ canaryWeight })] }))
            .http.services["shop-shop-web-split"].weighted.services.map((s: any) => s.weight);
        assert.deepEqual(w(0), [100, 0]);
        assert.deepEqual(w(100), [0, 100]);
    });

    it("rejects a canary weight outside 0-100", () => {
        assert.throws(() => renderDynamicConfig({ defaultCertificate: false, splits: [split({ canaryWeight: 120 })] }),
            /split shop-shop-web: canary weight must be a whole number between 0 and 100 \(got 120\)/);
    });

    it("names the mounted certificate as the default TLS store's certificate", () => {
        const doc = parse(renderDynamicConfig({ defaultCertificate: true, splits: [] }));
        assert.deepEqual(doc.tls.stores.default.defaultCertificate, { certFile: "/etc/traefik/dynamic/tls.crt", keyFile: "/etc/traefik/dynamic/tls.key" });
        assert.equal(doc.http, undefined);
    });

    it("writes the same text whatever the order of the splits", () => {
        const a = split({ name: "a" });
        const b = split({ name: "b" });
        assert.equal(renderDynamicConfig({ defaultCertificate: true, splits: [a, b] }), renderDynamicConfig({ defaultCertificate: true, splits: [b, a] }));
    });
});

describe("renderTraefikArgs", () => {
    const args = renderTraefikArgs({ ingressClassName: "containercloud", publishedService: "r/traefik", accessLog: false });

    it("serves HTTP and HTTPS as default entry points, TLS on websecure for every router", () => {
        for (const a of ["--entryPoints.web.address=:8080", "--entryPoints.websecure.address=:8443", "--entryPoints.websecure.http.tls=true",
            "--entryPoints.web.asDefault=true", "--entryPoints.websecure.asDefault=true"]) {
            assert.ok(args.includes(a), a);
        }
    });

    it("serves only the platform's IngressClass and reads the rendered file", () => {
        assert.ok(args.includes("--providers.kubernetesIngress.ingressClass=containercloud"));
        assert.ok(args.includes("--providers.file.filename=/etc/traefik/dynamic/dynamic.yaml"));
    });

    it("keeps the ping endpoint off the app entry points and turns off what phones home", () => {
        assert.ok(args.includes("--ping.entryPoint=traefik"));
        assert.ok(args.includes("--global.checkNewVersion=false") && args.includes("--global.sendAnonymousUsage=false"));
        assert.ok(!args.some((a) => a.startsWith("--api")), "no API or dashboard");
    });
});

describe("hostPathRule", () => {
    it("quotes host and path as Traefik's Ingress provider does", () => {
        assert.equal(hostPathRule("a.x.io", "/v1"), "Host(\"a.x.io\") && PathPrefix(\"/v1\")");
    });
});
