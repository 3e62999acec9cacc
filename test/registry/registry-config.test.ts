import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { garbageCollectSteps, htpasswdLine, readOnlyOverride, renderDockerConfigJson, renderRegistryConfig, RegistryConfigOptions } from "../../components/registry/registry-config";

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

describe("garbageCollectSteps", () => {
    const steps = garbageCollectSteps("reg", "registry", "/etc/distribution/config.yml");
    const names = steps.map((st) => st.name);

    it("switches to read-only and waits before collecting, then switches back and waits", () => {
        assert.deepEqual(names, ["read-only", "wait-read-only", "garbage-collect", "read-write", "wait-read-write", "result"]);
        const ro = steps[0];
        assert.ok(ro.image === "kubectl" && ro.args.includes(`REGISTRY_STORAGE_MAINTENANCE=${readOnlyOverride()}`));
        const rw = steps[3];
        assert.ok(rw.image === "kubectl" && rw.args.includes("REGISTRY_STORAGE_MAINTENANCE-"));
        assert.ok(steps.every((st) => st.image === "registry" || st.args.slice(0, 2).join(" ") === "-n reg"));
    });

    it("switches back even when the collection fails, and fails the pod with the collection's exit code", () => {
        const gc = steps[2];
        assert.ok(gc.image === "registry");
        // the collection step itself never fails (its exit code is recorded), so the steps after it run
        assert.match(gc.script, /^registry garbage-collect --delete-untagged \/etc\/distribution\/config\.yml; echo \$\? > \/gc-status\/exit-code$/);
        const result = steps[5];
        assert.ok(result.image === "registry" && result.script.includes("/gc-status/exit-code"));
    });

    it("runs the kubectl steps without a shell (Kubernetes' kubectl image has none)", () => {
        for (const st of steps.filter((x) => x.image === "kubectl")) {
            assert.ok(!("script" in st));
        }
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
