import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { imagePinned, imageRegistryAllowed, DEFAULT_ALLOWED_REGISTRIES } from "../../policies/rules";
import { checkResource } from "./harness";
import { deployment, firstContainer, T, workload } from "./fixtures";

const withImage = (image: string) => deployment((_, __, c) => {
    c.image = image;
});

describe("image-pinned", () => {
    const policy = imagePinned();

    for (const image of [
        "registry.containercloud.local/shop/web:1.4.2",
        "registry.containercloud.local:5000/shop/web:1.4.2",
        `nginx@sha256:${"a".repeat(64)}`,
    ]) {
        it(`passes ${image.length > 60 ? "a digest" : image}`, async () => {
            assert.deepEqual((await checkResource(policy, T.deployment, withImage(image))).messages, []);
        });
    }

    it("fails the latest tag", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, withImage("nginx:latest"))).messages, [
            `Deployment "web": container "app" uses the moving tag "latest" (nginx:latest); pin a version or digest`,
        ]);
    });

    it("fails an untagged image, not mistaking a registry port for a tag", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, withImage("registry.local:5000/shop/web"))).messages, [
            `Deployment "web": container "app" image registry.local:5000/shop/web has no tag (defaults to latest); pin a version or digest`,
        ]);
    });

    it("fails a container without an image", async () => {
        const d = deployment((_, __, c) => delete c.image);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": container "app" has no image`]);
    });

    it("checks the CronJob's nested pod spec and its init containers", async () => {
        const cj = workload(T.cronJob);
        const spec = cj.spec.jobTemplate.spec.template.spec;
        spec.initContainers = [{ ...firstContainer(T.cronJob, cj), name: "init", image: "busybox" }];
        assert.deepEqual((await checkResource(policy, T.cronJob, cj)).messages, [
            `CronJob "web": init container "init" image busybox has no tag (defaults to latest); pin a version or digest`,
        ]);
    });

    it("reports at the level the pack config sets", async () => {
        const out = await checkResource(policy, T.deployment, withImage("nginx"), { config: { enforcementLevel: "advisory" } });
        assert.equal(out.reports[0].level, "advisory");
    });

    it("is not applicable to a Namespace", async () => {
        assert.ok((await checkResource(policy, T.namespace, { metadata: { name: "shop" } })).notApplicable);
    });

    it("is not exemptible", () => assert.equal(policy.exemptible, false));
});

describe("image-registry-allowed", () => {
    const policy = imageRegistryAllowed();

    it("passes the platform registry and its mirror by default", async () => {
        for (const registry of DEFAULT_ALLOWED_REGISTRIES) {
            assert.deepEqual((await checkResource(policy, T.deployment, withImage(`${registry}/library/nginx:1.27`))).messages, []);
        }
    });

    it("fails Docker Hub by default, naming the allowed registries", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, withImage("nginx:1.27"))).messages, [
            `Deployment "web": container "app" image nginx:1.27 is not from an allowed registry (${DEFAULT_ALLOWED_REGISTRIES.join(", ")})`,
        ]);
    });

    it("does not take a look-alike host for an allowed one", async () => {
        const out = await checkResource(policy, T.deployment, withImage("registry.containercloud.local.evil.io/web:1"));
        assert.equal(out.messages.length, 1);
    });

    it("takes allowedRegistries from config, with path prefixes", async () => {
        const config = { allowedRegistries: ["quay.io/ceph", "docker.io"] };
        assert.deepEqual((await checkResource(policy, T.deployment, withImage("quay.io/ceph/ceph:v19.2.0"), { config })).messages, []);
        assert.deepEqual((await checkResource(policy, T.deployment, withImage("nginx:1.27"), { config })).messages, []);
        assert.equal((await checkResource(policy, T.deployment, withImage("quay.io/other/x:1"), { config })).messages.length, 1);
    });

    it("allows any registry with an empty list", async () => {
        const out = await checkResource(policy, T.deployment, withImage("ghcr.io/x/y:1"), { config: { allowedRegistries: [] } });
        assert.deepEqual(out.messages, []);
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, { metadata: { name: "web" } })).notApplicable);
    });
});
