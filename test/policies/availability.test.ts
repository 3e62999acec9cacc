import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allowedDisruptions, healthProbes, minReplicas, podDisruptionBudget, replicaSpread } from "../../policies/rules";
import { checkResource, checkStack, stackResource } from "./harness";
import { deployment, T, workload } from "./fixtures";

describe("min-replicas", () => {
    const policy = minReplicas();
    const dep = (patch?: (x: any) => void, replicas?: number) => stackResource(T.deployment, deployment(patch, replicas === undefined ? undefined : { replicas }));
    const hpa = (name: string, minReplicas: number, namespace = "shop") =>
        stackResource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", {
            metadata: { name: `${name}-hpa`, namespace },
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, minReplicas, maxReplicas: 5 },
        });

    it("passes two replicas", async () => {
        assert.deepEqual((await checkStack(policy, [dep(undefined, 2)])).messages, []);
    });

    it("fails one replica", async () => {
        assert.deepEqual((await checkStack(policy, [dep(undefined, 1)])).messages, [
            `Deployment "web" runs 1 replica(s); set spec.replicas to at least 2`,
        ]);
    });

    it("counts an unset replicas as the API default of 1", async () => {
        assert.equal((await checkStack(policy, [dep((x) => delete x.spec.replicas)])).messages.length, 1);
    });

    it("counts the minReplicas of the autoscaler that scales an unset-replicas Deployment", async () => {
        const d = dep((x) => delete x.spec.replicas);
        const name = (d.props.metadata as any).name as string;
        const ns = (d.props.metadata as any).namespace as string;
        assert.deepEqual((await checkStack(policy, [d, hpa(name, 2, ns)])).messages, []);
        assert.equal((await checkStack(policy, [d, hpa(name, 1, ns)])).messages.length, 1);
        assert.equal((await checkStack(policy, [d, hpa(name, 2, "elsewhere")])).messages.length, 1);
    });

    it("takes minReplicas from config", async () => {
        const out = await checkStack(policy, [dep(undefined, 2)], { config: { minReplicas: 3 } });
        assert.deepEqual(out.messages, [`Deployment "web" runs 2 replica(s); set spec.replicas to at least 3`]);
    });

    it("is advisory where the pack config says so (dev)", async () => {
        const out = await checkStack(policy, [dep(undefined, 1)], { config: { enforcementLevel: "advisory" } });
        assert.equal(out.reports[0].level, "advisory");
    });

    it("is not applicable to a stack without Deployments", async () => {
        assert.ok((await checkStack(policy, [stackResource(T.statefulSet, workload(T.statefulSet, { replicas: 1 }))])).notApplicable);
    });
});

describe("replica-spread", () => {
    const policy = replicaSpread();

    it("passes topologySpreadConstraints", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, deployment())).messages, []);
    });

    it("passes preferred pod anti-affinity", async () => {
        const d = deployment((_, spec) => {
            delete spec.topologySpreadConstraints;
            spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } }] } };
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails replicas with neither", async () => {
        const d = deployment((_, spec) => delete spec.topologySpreadConstraints);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": replicas may all land on one node; add topologySpreadConstraints or podAntiAffinity`,
        ]);
    });

    it("leaves a single replica alone (min-replicas reports it)", async () => {
        const d = deployment((_, spec) => delete spec.topologySpreadConstraints, { replicas: 1 });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("checks StatefulSets and reports at the configured level", async () => {
        const s = workload(T.statefulSet);
        delete s.spec.template.spec.topologySpreadConstraints;
        const out = await checkResource(policy, T.statefulSet, s, { config: "advisory" });
        assert.equal(out.reports[0].level, "advisory");
    });

    it("is not applicable to a DaemonSet", async () => {
        assert.ok((await checkResource(policy, T.daemonSet, workload(T.daemonSet))).notApplicable);
    });
});

describe("health-probes", () => {
    const policy = healthProbes();

    it("passes liveness and readiness probes", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, deployment())).messages, []);
    });

    it("fails a missing liveness probe", async () => {
        const d = deployment((_, __, c) => delete c.livenessProbe);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": container "app" has no livenessProbe`]);
    });

    it("fails a missing readiness probe", async () => {
        const d = deployment((_, __, c) => delete c.readinessProbe);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": container "app" has no readinessProbe`]);
    });

    it("does not ask init containers for probes", async () => {
        const d = deployment((_, spec) => (spec.initContainers = [{ name: "migrate" }]));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("reports at the configured level", async () => {
        const d = deployment((_, __, c) => delete c.readinessProbe);
        assert.equal((await checkResource(policy, T.deployment, d, { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable to a Job", async () => {
        assert.ok((await checkResource(policy, T.job, workload(T.job))).notApplicable);
    });
});

describe("pod-disruption-budget", () => {
    const policy = podDisruptionBudget();
    const pdb = (spec: Record<string, unknown>, namespace = "shop") => ({ metadata: { name: "web", namespace }, spec: { selector: { matchLabels: { app: "web" } }, ...spec } });

    it("passes a budget with maxUnavailable: 1", async () => {
        const out = await checkStack(policy, [stackResource(T.deployment, deployment()), stackResource(T.pdb, pdb({ maxUnavailable: 1 }))]);
        assert.deepEqual(out.messages, []);
    });

    it("passes a budget selected through matchExpressions", async () => {
        const budget = { metadata: { name: "web", namespace: "shop" }, spec: { maxUnavailable: "34%", selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] } } };
        const out = await checkStack(policy, [stackResource(T.deployment, deployment()), stackResource(T.pdb, budget)]);
        assert.deepEqual(out.messages, []);
    });

    it("fails a workload no budget selects, blaming the workload", async () => {
        const d = stackResource(T.deployment, deployment());
        const out = await checkStack(policy, [d, stackResource(T.pdb, pdb({ maxUnavailable: 1 }, "other"))]);
        assert.deepEqual(out.messages, [`Deployment "web" (namespace shop) is selected by no PodDisruptionBudget`]);
        assert.equal(out.reports[0].urn, d.urn);
    });

    it("fails a budget that allows no disruption", async () => {
        const out = await checkStack(policy, [stackResource(T.deployment, deployment()), stackResource(T.pdb, pdb({ minAvailable: 3 }))]);
        assert.deepEqual(out.messages, [`Deployment "web": its PodDisruptionBudget PodDisruptionBudget "web" allows no disruption of 3 replicas; use maxUnavailable: 1`]);
    });

    it("computes allowed disruptions like the disruption controller", () => {
        assert.equal(allowedDisruptions({ maxUnavailable: 1 }, 3), 1);
        assert.equal(allowedDisruptions({ maxUnavailable: "0%" }, 3), 0);
        assert.equal(allowedDisruptions({ maxUnavailable: "10%" }, 3), 1);
        assert.equal(allowedDisruptions({ minAvailable: 2 }, 3), 1);
        assert.equal(allowedDisruptions({ minAvailable: "100%" }, 3), 0);
        assert.equal(allowedDisruptions({ minAvailable: "50%" }, 3), 1);
        assert.equal(allowedDisruptions({}, 3), 0);
    });

    it("reports at the configured level", async () => {
        const out = await checkStack(policy, [stackResource(T.statefulSet, workload(T.statefulSet))], { config: "advisory" });
        assert.equal(out.reports[0].level, "advisory");
    });

    it("is not applicable without replicated Deployments or StatefulSets", async () => {
        const out = await checkStack(policy, [stackResource(T.deployment, deployment(undefined, { replicas: 1 })), stackResource(T.daemonSet, workload(T.daemonSet))]);
        assert.ok(out.notApplicable);
    });
});
