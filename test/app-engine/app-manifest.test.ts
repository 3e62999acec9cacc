import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAppManifest, parseAppManifests, loadApps, processResources, instanceBounds } from "../../components/app-engine/app-manifest";

const base = () => ({
    name: "shop-web",
    team: "shop",
    image: "docker.io/library/nginx:1.27.1",
    processes: { web: { port: 8080, instances: { min: 2, max: 5 } } },
    services: ["postgres", "redis"],
});

function errorsOf(raw: unknown): string[] {
    const r = parseAppManifest(raw, "shop-web.yaml");
    assert.equal(r.ok, false, "expected the manifest to be rejected");
    return r.ok ? [] : r.errors;
}

describe("parseAppManifest", () => {
    it("accepts a valid manifest and resolves defaults", () => {
        const r = parseAppManifest(base(), "shop-web.yaml");
        assert.ok(r.ok);
        const web = r.app.processes.web;
        assert.equal(web.type, "web");
        assert.equal(web.size, "small");
        assert.deepEqual(r.app.services.map((s) => `${s.type}:${s.name}`), ["postgres:postgres", "redis:redis"]);
    });

    it("rejects a port out of range with one line naming app and field", () => {
        const raw = base();
        raw.processes.web.port = 70000;
        assert.deepEqual(errorsOf(raw), ["app shop-web: processes.web.port: must be between 1 and 65535 (got 70000)"]);
    });

    it("rejects a wrong type naming the field and the value", () => {
        const raw: any = base();
        raw.processes.web.port = "80";
        assert.deepEqual(errorsOf(raw), ["app shop-web: processes.web.port: must be a number (got \"80\")"]);
    });

    it("rejects an unknown service", () => {
        const raw: any = base();
        raw.services = ["postgres", "mongodb"];
        assert.deepEqual(errorsOf(raw), ["app shop-web: services[1]: unknown service; use one of postgres, redis, mysql, rabbitmq (got \"mongodb\")"]);
    });

    it("rejects min above max", () => {
        const raw: any = base();
        raw.processes.web.instances = { min: 5, max: 2 };
        assert.deepEqual(errorsOf(raw), ["app shop-web: processes.web.instances: min (5) must not be above max (2)"]);
    });

    it("rejects a worker whose liveness repeats its readiness command, as it has no port for a TCP liveness check", () => {
        const raw: any = base();
        raw.processes.worker = { command: ["work"], health: { readiness: { command: ["true"] }, liveness: { command: ["true"], periodSeconds: 30 } } };
        assert.deepEqual(errorsOf(raw), ["app shop-web: processes.worker.health.liveness: is the same check as health.readiness and the process has no port for a TCP liveness check: give liveness a command of its own"]);
    });

    it("rejects the same TCP check as readiness and liveness", () => {
        const raw: any = base();
        raw.processes.web.health = { readiness: {}, liveness: { periodSeconds: 30 } };
        assert.deepEqual(errorsOf(raw), ["app shop-web: processes.web.health.liveness: is the same TCP check as health.readiness: give readiness an HTTP path or a command"]);
    });

    it("rejects a cron schedule the platform cannot time, with the reason", () => {
        const raw: any = base();
        raw.cron = { nightly: { schedule: "0 25 * * *", command: ["report"] } };
        assert.deepEqual(errorsOf(raw), ["app shop-web: cron.nightly.schedule: must be a cron schedule such as \"0 3 * * *\": cron hour field \"25\" is not a number, range or step between 0 and 23 (got \"0 25 * * *\")"]);
    });

    it("rejects a manifest with neither image nor source", () => {
        const raw: any = base();
        delete raw.image;
        assert.deepEqual(errorsOf(raw), ["app shop-web: image: set either image (a pinned reference) or source {dir, dockerfile}"]);
    });

    it("rejects an unpinned image", () => {
        const raw: any = base();
        raw.image = "nginx:latest";
        assert.deepEqual(errorsOf(raw), ["app shop-web: image: must be pinned to a tag or digest (not latest) (got \"nginx:latest\")"]);
    });

    it("reports every problem, one line each", () => {
        const raw: any = base();
        raw.processes.web.port = 0;
        raw.processes.web.size = "huge";
        raw.color = "blue";
        const errors = errorsOf(raw);
        assert.equal(errors.length, 3);
        assert.ok(errors.every((e) => e.startsWith("app shop-web: ") && !e.includes("\n")));
        assert.ok(errors.includes("app shop-web: processes.web.size: must be one of small, medium, large (got \"huge\")"));
        assert.ok(errors.includes("app shop-web: (manifest): unknown field(s) color"));
    });

    it("names the app by its source when the name is missing", () => {
        const raw: any = base();
        delete raw.name;
        assert.deepEqual(errorsOf(raw), ["app shop-web.yaml: name: must be a string"]);
    });

    it("accepts source instead of image", () => {
        const raw: any = base();
        delete raw.image;
        raw.source = { dir: "apps/shop" };
        const r = parseAppManifest(raw, "x");
        assert.ok(r.ok);
        assert.equal(r.app.source?.dockerfile, "Dockerfile");
    });

    it("gives a worker no port and a web process 8080 by default", () => {
        const r = parseAppManifest({ name: "w", team: "data", image: "busybox:1.36", processes: { web: {}, worker: { command: ["run"] } } }, "x");
        assert.ok(r.ok);
        assert.equal(r.app.processes.web.port, 8080);
        assert.equal(r.app.processes.worker.type, "worker");
        assert.equal(r.app.processes.worker.port, undefined);
    });
});

describe("app model helpers", () => {
    it("resolves size presets and explicit resources", () => {
        assert.deepEqual(processResources({ size: "medium" }).requests, { cpu: "250m", memory: "256Mi" });
        const explicit = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };
        assert.deepEqual(processResources({ size: "small", resources: explicit }), explicit);
    });

    it("reads fixed counts and autoscaling bounds", () => {
        const r = parseAppManifest({ ...base(), processes: { web: { instances: 3 }, worker: { instances: { max: 4, memoryTarget: 80 } } } }, "x");
        assert.ok(r.ok);
        assert.deepEqual(instanceBounds(r.app.processes.web), { min: 3, max: 3, autoscale: false, cpuTarget: 70 });
        assert.deepEqual(instanceBounds(r.app.processes.worker), { min: 1, max: 4, autoscale: true, cpuTarget: 70, memoryTarget: 80 });
    });

    it("rejects two apps of the same name in one team", () => {
        const r = parseAppManifests([{ raw: base(), source: "a.yaml" }, { raw: base(), source: "b.yaml" }]);
        assert.ok(!r.ok);
        assert.deepEqual(r.errors, ["app shop-web: name: team shop already has an app of this name (from a.yaml, again in b.yaml)"]);
    });

    it("loads YAML files from a folder and inline apps", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apps-"));
        fs.writeFileSync(path.join(dir, "a.yaml"), "name: a\nteam: shop\nimage: nginx:1.27\nprocesses:\n  web: {}\n");
        fs.writeFileSync(path.join(dir, "notes.txt"), "ignored");
        const r = loadApps(dir, [{ name: "b", team: "data", image: "busybox:1.36", processes: { worker: { command: ["x"] } } }]);
        assert.ok(r.ok);
        assert.deepEqual(r.apps.map((a) => a.name), ["a", "b"]);
    });

    it("reports YAML syntax errors as one line naming the file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apps-"));
        fs.writeFileSync(path.join(dir, "bad.yaml"), "name: [unclosed\n");
        const r = loadApps(dir);
        assert.ok(!r.ok);
        assert.equal(r.errors.length, 1);
        assert.match(r.errors[0], /^app .*bad\.yaml: \(file\): not valid YAML: /);
    });

    it("parses every example app of every environment", () => {
        for (const env of ["local", "dev", "staging", "prod"]) {
            const r = loadApps(path.resolve(__dirname, "../../stacks/apps", env));
            assert.ok(r.ok, r.ok ? "" : r.errors.join("\n"));
            assert.deepEqual(r.apps.map((a) => a.name).sort(), ["report-worker", "shop-web"]);
        }
    });
});
