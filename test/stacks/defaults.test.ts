import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ENVIRONMENTS } from "../../components/core/types";
import { parsePlatformConfig, PlatformConfig } from "../../stacks/config";
import { appRouterDefaults } from "../../components/app-engine/app-router";
import { routerTlsDefault } from "../../components/app-engine/app-engine";
import { platformControlDefaults } from "../../components/app-engine/platform-control";
import { manageSystemDefaults } from "../../components/app-engine/manage-system";
import { platformSupportDefaults } from "../../components/app-engine/platform-support";
import { logCenterDefaults } from "../../components/app-engine/log-center";
import { codeCenterDefaults } from "../../components/app-engine/code-center";
import { etcdClusterDefaults } from "../../components/etcd/etcd-cluster";
import { registryDefaults } from "../../components/registry/registry";
import { rookCephDefaults } from "../../components/storage/rook-ceph";

/** An environment's profile as the program resolves it when the stack file sets nothing. */
function profile(env: (typeof ENVIRONMENTS)[number]): PlatformConfig {
    const parsed = parsePlatformConfig({ environment: env });
    assert.ok(parsed.ok, `the ${env} profile alone does not parse`);
    return parsed.config;
}

// A component's own fallback serves library users who leave a value out; the stack profile is what
// every stack renders. Each pair must agree, so the platform has one default per setting.
describe("component fallbacks equal the stack profiles", () => {
    for (const env of ENVIRONMENTS) {
        it(`agree in ${env}`, () => {
            const c = profile(env);
            const ae = c.appEngine;
            assert.deepEqual(appRouterDefaults(env), { replicas: ae.router.replicas, edgePlacement: ae.router.edgePlacement });
            assert.deepEqual(routerTlsDefault(env), ae.router.tls);
            const control = platformControlDefaults(env);
            assert.deepEqual({ replicas: control.replicas, metricsApiService: control.metricsApiService }, { replicas: ae.control.replicas, metricsApiService: ae.control.metricsApiService });
            // staging's profile leaves kubeletInsecureTls to the component: only the others restate it.
            if (ae.control.kubeletInsecureTls !== undefined) {
                assert.equal(control.kubeletInsecureTls, ae.control.kubeletInsecureTls);
            }
            assert.deepEqual(manageSystemDefaults(env), { replicas: ae.manageSystem.replicas });
            assert.deepEqual(platformSupportDefaults(env), { retention: ae.support.retention, prometheusStorage: ae.support.prometheusStorage });
            assert.deepEqual(logCenterDefaults(env), { retention: ae.logCenter.retention, logStorage: ae.logCenter.logStorage });
            assert.deepEqual(codeCenterDefaults(env), { repositoryStorage: ae.codeCenter.repositoryStorage });
            const e = c.etcd;
            assert.deepEqual(etcdClusterDefaults(env), { replicas: e.replicas, storageSize: e.storageSize, backup: { schedule: e.backup.schedule, retention: e.backup.retention, size: e.backup.size } });
            assert.deepEqual(registryDefaults(env), { replicas: c.registry.replicas, size: c.registry.size });
            const s = c.storage;
            assert.deepEqual(rookCephDefaults(env), { monCount: s.mon.count, mgrCount: s.mgr.count, allowMultiplePerNode: s.allowMultiplePerNode, replicas: s.replicas, reclaimPolicy: s.reclaimPolicy });
        });
    }
});
