/**
 * A real render of every environment with the real Pulumi CLI (render-only target, no cluster):
 * the manifests exist, parse, and hold what each environment must hold.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { Manifest, renderedManifests } from "../helpers/rendered";

const rendered: Record<string, Manifest[]> = {};

/** Every container (init containers included) of a Pod-bearing manifest. */
export function containersOf(m: Manifest): { name: string; resources?: any }[] {
    const pod = m.kind === "CronJob" ? m.spec?.jobTemplate?.spec?.template?.spec : m.kind === "Pod" ? m.spec : m.spec?.template?.spec;
    if (!pod) {
        return [];
    }
    return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"];

describe("render of every environment (real Pulumi CLI)", () => {
    before(async () => {
        for (const env of ["local", "dev", "staging", "prod"]) {
            rendered[env] = await renderedManifests(env);
        }
    });

    for (const env of ["local", "dev", "staging", "prod"]) {
        it(`${env}: writes parseable manifests`, () => {
            assert.ok(rendered[env].length > 0);
            for (const m of rendered[env]) {
                assert.ok(m.apiVersion && m.kind && m.metadata?.name, `incomplete manifest ${JSON.stringify(m).slice(0, 120)}`);
            }
        });

        it(`${env}: every tenant namespace has a ResourceQuota, a LimitRange and a default-deny NetworkPolicy`, () => {
            const tenants = rendered[env].filter((m) => m.kind === "Namespace" && m.metadata.labels?.["containercloud.io/tenant"] === "true");
            assert.ok(tenants.length >= 2, "the stack declares tenants");
            for (const ns of tenants) {
                const inNs = rendered[env].filter((m) => m.metadata.namespace === ns.metadata.name);
                assert.ok(inNs.some((m) => m.kind === "ResourceQuota"), `${ns.metadata.name} has no ResourceQuota`);
                assert.ok(inNs.some((m) => m.kind === "LimitRange"), `${ns.metadata.name} has no LimitRange`);
                assert.ok(
                    inNs.some((m) => m.kind === "NetworkPolicy" && JSON.stringify(m.spec.podSelector) === "{}" && !m.spec.ingress && !m.spec.egress),
                    `${ns.metadata.name} has no default-deny NetworkPolicy`,
                );
            }
        });

        it(`${env}: every container has CPU and memory requests and limits`, () => {
            for (const m of rendered[env].filter((x) => WORKLOADS.includes(x.kind))) {
                for (const c of containersOf(m)) {
                    const r = c.resources ?? {};
                    for (const k of ["requests", "limits"]) {
                        assert.ok(r[k]?.cpu && r[k]?.memory, `${m.kind} ${m.metadata.namespace}/${m.metadata.name} container ${c.name} lacks ${k}`);
                    }
                }
            }
        });
    }
});
