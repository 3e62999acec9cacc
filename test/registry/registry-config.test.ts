import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { garbageCollectScript, htpasswdLine, readOnlyOverride, renderDockerConfigJson, renderRegistryConfig, RegistryConfigOptions } from "../../components/registry/registry-config";

const opts: RegistryConfigOptions = {
    storage: "filesystem", rootDirectory: "/var/lib/registry", s3Region: "us-east-1", htpasswdPath: "/auth/htpasswd",
    realm: "registry.example.com", tls: { certificate: "/tls/tls.crt", key: "/tls/tls.key" }, logLevel: "info",
};

describe("renderRegistryConfig", () => {
    it("emits top-level keys in a stable order", () => {
        assert.deepEqual(Object.keys(parse(renderRegistryConfig(opts))), ["version", "log", "storage", "auth", "http", "health"]);
    });

    it("uses the filesystem driver on a PVC path", () => {
        assert.deepEqual(parse(renderRegistryConfig(opts)).storage.filesystem, { rootdirectory: "/var/lib/registry" });
    });

    it("uses path-style S3 with no secrets in the file", () => {
        const text = renderRegistryConfig({ ...opts, storage: "s3" });
        const s3 = parse(text).storage.s3;
        assert.equal(s3.forcepathstyle, true);
        assert.equal(s3.accesskey, undefined);
        assert.doesNotMatch(text, /secretkey/);
    });

    it("authenticates with htpasswd and serves TLS", () => {
        const c = parse(renderRegistryConfig(opts));
        assert.equal(c.auth.htpasswd.path, "/auth/htpasswd");
        assert.equal(c.http.tls.certificate, "/tls/tls.crt");
    });

    it("exposes Prometheus metrics on the debug listener", () => {
        assert.deepEqual(parse(renderRegistryConfig(opts)).http.debug, { addr: ":5001", prometheus: { enabled: true, path: "/metrics" } });
    });

    it("adds a pull-through proxy only when asked", () => {
        assert.equal(parse(renderRegistryConfig(opts)).proxy, undefined);
        assert.equal(parse(renderRegistryConfig({ ...opts, proxyRemoteUrl: "https://registry-1.docker.io" })).proxy.remoteurl, "https://registry-1.docker.io");
    });

    it("starts writable with upload purging", () => {
        const m = parse(renderRegistryConfig(opts)).storage.maintenance;
        assert.equal(m.readonly.enabled, false);
        assert.equal(m.uploadpurging.enabled, true);
    });
});

describe("garbageCollectScript", () => {
    const s = garbageCollectScript("reg", "registry", "/etc/distribution/config.yml");

    it("switches to read-only before collecting and always switches back", () => {
        assert.ok(s.indexOf(readOnlyOverride()) < s.indexOf("registry garbage-collect"));
        assert.match(s, /trap restore EXIT/);
        assert.match(s, /REGISTRY_STORAGE_MAINTENANCE-/);
    });

    it("turns read-only on in the override", () => {
        assert.equal(JSON.parse(readOnlyOverride()).readonly.enabled, true);
    });
});

describe("renderDockerConfigJson", () => {
    it("lists every host with base64 user:password", () => {
        const c = JSON.parse(renderDockerConfigJson(["a.example", "b.svc:5000"], "u", "p"));
        assert.deepEqual(Object.keys(c.auths), ["a.example", "b.svc:5000"]);
        assert.equal(c.auths["a.example"].auth, Buffer.from("u:p").toString("base64"));
    });
});

describe("htpasswdLine", () => {
    it("joins user and hash", () => {
        assert.equal(htpasswdLine("u", "$2y$10$x"), "u:$2y$10$x\n");
    });
});
