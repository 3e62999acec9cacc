import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { fakeContext, unsecret } from "./helpers";

const rec: Recorder = recordRegistrations();

describe("AppRuntime: apps built from source", () => {
    before(async () => {
        const { parseAppManifest } = await import("../../components/app-engine/app-manifest");
        const { AppRuntime } = await import("../../components/app-engine/app-runtime");
        const ctx = fakeContext();
        const apps = ["api", "admin"].map((name) => {
            const r = parseAppManifest({ name, team: "shop", source: { dir: `src/${name}` }, processes: { web: { port: 8080 } } }, "test");
            if (!r.ok) {
                throw new Error(r.errors.join("\n"));
            }
            return r.app;
        });
        new AppRuntime("rt", { environment: "dev", domain: ctx.domain, apps, tenants: ctx.tenants, registry: ctx.registry, sourceRoot: "/srv/apps" });
        await rec.settle();
    });

    it("builds each with docker.Image from its directory and Dockerfile, tagged in the platform registry under its team", () => {
        const images = rec.all.filter((r) => r.type === "docker:index/image:Image");
        assert.deepEqual(images.map((i) => i.name).sort(), ["rt-shop-admin-image", "rt-shop-api-image"]);
        const api = rec.one("docker:index/image:Image", "rt-shop-api-image").inputs;
        assert.equal(api.imageName, "registry.apps.example.com/shop/api:build");
        assert.equal(api.build.context, path.resolve("/srv/apps", "src/api"));
        assert.equal(api.build.dockerfile, path.join("/srv/apps/src/api", "Dockerfile"));
        assert.equal(api.build.platform, "linux/amd64");
    });

    it("pushes with the registry's credentials from its dockerconfigjson, held as a secret", () => {
        const raw = rec.one("docker:index/image:Image", "rt-shop-admin-image").inputs.registry;
        const reg = unsecret(raw);
        assert.notEqual(reg, raw, "the registry block (it holds the password) arrives as a secret");
        assert.deepEqual(reg, { server: "registry.apps.example.com", username: "push", password: "s3cret" });
    });
});
