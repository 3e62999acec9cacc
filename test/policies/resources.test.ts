import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    containerLimitsWithinCeiling,
    containerResourcesRequired,
    tenantNamespaceQuota,
} from "../../policies/rules";
import { checkResource, checkStack, stackResource } from "./harness";
import { deployment, firstContainer, POD_BEARING, T, tenantIsolation, tenantNamespace, workload } from "./fixtures";

describe("container-resources-required", () => {
    const policy = containerResourcesRequired();

    for (const type of POD_BEARING) {
        it(`passes a ${type.split(":")[2]} with requests and limits`, async () => {
            assert.deepEqual((await checkResource(policy, type, workload(type))).messages, []);
        });
        it(`finds the container of a ${type.split(":")[2]} without a memory limit`, async () => {
            const props = workload(type);
            delete firstContainer(type, props).resources.limits.memory;
            assert.deepEqual((await checkResource(policy, type, props)).messages, [
                `${type.split(":")[2]} "web": container "app" has no memory limit; set resources.limits.memory`,
            ]);
        });
    }

    it("reports every missing request and limit of a container without resources", async () => {
        const { messages } = await checkResource(policy, T.deployment, deployment((_, __, c) => delete c.resources));
        assert.equal(messages.length, 4);
        assert.match(messages[0], /no cpu request/);
        assert.match(messages[3], /no memory limit/);
    });

    it("checks init containers", async () => {
        const d = deployment((_, spec) => {
            spec.initContainers = [{ name: "migrate", image: "registry.containercloud.local/shop/migrate:1.0", resources: { limits: { cpu: "1", memory: "1Gi" } } }];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": init container "migrate" has no cpu request; set resources.requests.cpu`,
            `Deployment "web": init container "migrate" has no memory request; set resources.requests.memory`,
        ]);
    });

    it("fails a request above its limit, comparing quantities not strings", async () => {
        const d = deployment((_, __, c) => {
            c.resources = { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } };
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" requests more cpu (1) than its limit (500m); lower resources.requests.cpu`,
        ]);
    });

    it("fails a value that is not a quantity", async () => {
        const d = deployment((_, __, c) => {
            c.resources.limits.memory = "lots";
        });
        assert.match((await checkResource(policy, T.deployment, d)).messages[0], /not a quantity/);
    });

    it("is mandatory by default and takes the level from the factory options", async () => {
        assert.equal(policy.enforcementLevel, "mandatory");
        assert.equal(containerResourcesRequired({ enforcementLevel: "advisory" }).enforcementLevel, "advisory");
        const out = await checkResource(policy, T.deployment, deployment((_, __, c) => delete c.resources), { config: "advisory" });
        assert.equal(out.reports[0].level, "advisory");
    });

    it("is not applicable to a Service", async () => {
        const out = await checkResource(policy, T.service, { metadata: { name: "web", namespace: "shop" }, spec: { ports: [{ port: 80 }] } });
        assert.match(out.notApplicable ?? "", /applies to Pod, /);
        assert.deepEqual(out.messages, []);
    });

    it("is not exemptible", () => {
        assert.equal(policy.exemptible, false);
    });
});

describe("container-limits-within-ceiling", () => {
    const policy = containerLimitsWithinCeiling();

    it("passes limits under the default ceiling (4 cpu, 8Gi)", async () => {
        const d = deployment((_, __, c) => {
            c.resources.limits = { cpu: "4", memory: "8Gi" };
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails a cpu limit above the ceiling", async () => {
        const d = deployment((_, __, c) => {
            c.resources.limits.cpu = "4500m";
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" has a cpu limit of 4500m, above the ceiling 4`,
        ]);
    });

    it("fails a memory limit above the ceiling", async () => {
        const d = deployment((_, __, c) => {
            c.resources.limits.memory = "16Gi";
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" has a memory limit of 16Gi, above the ceiling 8Gi`,
        ]);
    });

    it("takes maxCpu and maxMemory from config", async () => {
        const d = deployment();
        const out = await checkResource(policy, T.deployment, d, { config: { maxCpu: "250m", maxMemory: "128Mi" } });
        assert.deepEqual(out.messages, [
            `Deployment "web": container "app" has a cpu limit of 500m, above the ceiling 250m`,
            `Deployment "web": container "app" has a memory limit of 256Mi, above the ceiling 128Mi`,
        ]);
    });

    it("reports a ceiling that is not a quantity", async () => {
        const out = await checkResource(policy, T.deployment, deployment(), { config: { maxMemory: "big" } });
        assert.deepEqual(out.messages, [`policy config maxMemory "big" is not a quantity`]);
    });

    it("declares its config schema with defaults", () => {
        assert.deepEqual(Object.keys(policy.configSchema?.properties ?? {}), ["maxCpu", "maxMemory"]);
        assert.equal(policy.configSchema?.properties.maxMemory.default, "8Gi");
    });

    it("is not applicable to a ConfigMap", async () => {
        assert.ok((await checkResource(policy, T.configMap, { metadata: { name: "c" } })).notApplicable);
    });
});

describe("tenant-namespace-quota", () => {
    const policy = tenantNamespaceQuota();
    const iso = tenantIsolation("shop");

    it("passes a tenant namespace with a ResourceQuota and a LimitRange", async () => {
        const out = await checkStack(policy, [
            stackResource(T.namespace, tenantNamespace("shop")),
            stackResource(T.resourceQuota, iso.quota),
            stackResource(T.limitRange, iso.limits),
        ]);
        assert.deepEqual(out.messages, []);
    });

    it("fails a tenant namespace without a ResourceQuota, blaming the namespace", async () => {
        const ns = stackResource(T.namespace, tenantNamespace("shop"));
        const out = await checkStack(policy, [ns, stackResource(T.limitRange, iso.limits)]);
        assert.deepEqual(out.messages, [`tenant Namespace "shop" has no ResourceQuota`]);
        assert.equal(out.reports[0].urn, ns.urn);
    });

    it("fails a tenant namespace without a LimitRange", async () => {
        const out = await checkStack(policy, [stackResource(T.namespace, tenantNamespace("shop")), stackResource(T.resourceQuota, iso.quota)]);
        assert.deepEqual(out.messages, [`tenant Namespace "shop" has no LimitRange`]);
    });

    it("does not count a quota in another namespace", async () => {
        const other = tenantIsolation("data");
        const out = await checkStack(policy, [
            stackResource(T.namespace, tenantNamespace("shop")),
            stackResource(T.resourceQuota, other.quota),
            stackResource(T.limitRange, other.limits),
        ]);
        assert.equal(out.messages.length, 2);
    });

    it("counts a quota placed in the namespace by its provider's default namespace", async () => {
        const quota = { metadata: { name: "q" }, spec: {} };
        const out = await checkStack(policy, [
            stackResource(T.namespace, tenantNamespace("shop")),
            stackResource(T.resourceQuota, quota, { provider: { namespace: "shop" } }),
            stackResource(T.limitRange, iso.limits),
        ]);
        assert.deepEqual(out.messages, []);
    });

    it("ignores the platform's own namespaces and Kubernetes' own", async () => {
        const out = await checkStack(policy, [
            stackResource(T.namespace, tenantNamespace("shop")),
            stackResource(T.resourceQuota, iso.quota),
            stackResource(T.limitRange, iso.limits),
            stackResource(T.namespace, { metadata: { name: "kube-flannel", labels: { "containercloud.io/namespace-owner": "platform" } } }),
            stackResource(T.namespace, { metadata: { name: "kube-system" } }),
        ]);
        assert.deepEqual(out.messages, []);
    });

    it("fails a namespace created without the tenant label: leaving the label off does not escape the rule", async () => {
        const out = await checkStack(policy, [stackResource(T.namespace, { metadata: { name: "sneaky" } })]);
        assert.deepEqual(out.messages, [`tenant Namespace "sneaky" has no ResourceQuota`, `tenant Namespace "sneaky" has no LimitRange`]);
    });

    it("reports at the configured level", async () => {
        const out = await checkStack(policy, [stackResource(T.namespace, tenantNamespace("shop"))], { config: { enforcementLevel: "advisory" } });
        assert.deepEqual(out.reports.map((r) => r.level), ["advisory", "advisory"]);
    });

    it("is not applicable to a stack without tenant namespaces", async () => {
        const out = await checkStack(policy, [stackResource(T.deployment, workload(T.deployment))]);
        assert.equal(out.notApplicable, "no tenant namespaces in the stack");
    });
});
