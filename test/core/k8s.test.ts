import { describe, it } from "node:test";
import assert from "node:assert/strict";

const packageIndex = /@pulumi[\\/]kubernetes[\\/]index\.js$/;

describe("components/core/k8s", () => {
    it("the whole program loads without the @pulumi/kubernetes index", async () => {
        await import("../../stacks/platform");
        assert.ok(Object.keys(require.cache).some((k) => /@pulumi[\\/]kubernetes[\\/]core[\\/]v1[\\/]/.test(k)), "the program loaded the core group");
        assert.deepEqual(Object.keys(require.cache).filter((k) => packageIndex.test(k)), []);
    });

    it("hands out the package's own classes", async () => {
        const facade = await import("../../components/core/k8s");
        const pkg = await import("@pulumi/kubernetes");
        assert.equal(facade.core.v1.ConfigMap, pkg.core.v1.ConfigMap);
        assert.equal(facade.apps.v1.Deployment, pkg.apps.v1.Deployment);
        assert.equal(facade.Provider, pkg.Provider);
    });
});
