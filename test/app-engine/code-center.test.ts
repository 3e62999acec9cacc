import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { fakeContext, podSpecOf, unsecret, workloadContainers } from "./helpers";

const podSpecOfLabels = (r: { inputs: any }) => r.inputs.spec.selector.matchLabels;

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/app-engine/code-center");

describe("CodeCenter", () => {
    before(async () => {
        mod = await import("../../components/app-engine/code-center");
        new mod.CodeCenter("code", { environment: "dev", domain: "apps.example.com", storageClass: "ceph-block", registry: fakeContext().registry, ingressClassName: "containercloud" });
        await rec.settle();
    });

    it("runs Gitea on a PostgreSQL from the Services catalog", () => {
        const db = rec.one("containercloud:appengine:BackingService", "code-gitea-db");
        assert.equal(db.parentName, "code");
        const env = podSpecOf(rec.one("kubernetes:apps/v1:StatefulSet", "code-gitea")).containers[0].env;
        const byName = Object.fromEntries(env.map((e: any) => [e.name, e]));
        assert.equal(byName.GITEA__database__DB_TYPE.value, "postgres");
        assert.deepEqual(byName.GITEA__database__PASSWD.valueFrom.secretKeyRef, { name: "gitea-db-binding", key: "password" });
        assert.equal(byName.GITEA__database__HOST.value, "$(DB_HOST):$(DB_PORT)");
        assert.ok(env.findIndex((e: any) => e.name === "DB_HOST") < env.findIndex((e: any) => e.name === "GITEA__database__HOST"));
    });

    it("serves Gitea at git.<domain>", () => {
        assert.equal(rec.one("kubernetes:networking.k8s.io/v1:Ingress", "code-gitea-ingress").inputs.spec.rules[0].host, "git.apps.example.com");
    });

    it("builds images with privileged BuildKit (no Docker daemon) and pushes with the registry credentials", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "code-buildkitd");
        const c = podSpecOf(d).containers[0];
        assert.match(c.image, /moby\/buildkit:v[\d.]+$/);
        assert.deepEqual(c.args, mod.BUILDKITD_ARGS);
        assert.equal(c.securityContext.privileged, true);
        const push = rec.one("kubernetes:core/v1:Secret", "code-registry-push");
        assert.equal(push.inputs.type, "kubernetes.io/dockerconfigjson");
        const vol = podSpecOf(d).volumes.find((v: any) => v.name === "docker-config");
        assert.deepEqual(vol.secret.items, [{ key: ".dockerconfigjson", path: "config.json" }]);
        assert.deepEqual(c.volumeMounts.find((m: any) => m.name === "docker-config").mountPath, "/root/.docker");
    });

    it("exempts the builder from exactly the rules a privileged root daemon breaks, with a reason each", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "code-buildkitd");
        const exemptions = JSON.parse(d.inputs.metadata.annotations["containercloud.io/policy-exemptions"]);
        assert.deepEqual(exemptions.map((e: any) => e.rule), [
            "no-privileged-containers", "run-as-non-root", "no-privilege-escalation", "restricted-capabilities",
            "seccomp-runtime-default", "read-only-root-filesystem", "min-replicas",
        ]);
        assert.ok(exemptions.every((e: any) => e.reason.length > 20));
    });

    it("lets only the Code Center's namespace reach the builder's port", () => {
        const np = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "code-buildkitd-clients");
        assert.equal(np.inputs.metadata.namespace, "containercloud-builds");
        assert.deepEqual(np.inputs.spec.podSelector.matchLabels, podSpecOfLabels(rec.one("kubernetes:apps/v1:Deployment", "code-buildkitd")));
        assert.deepEqual(np.inputs.spec.ingress, [{
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "containercloud-code" } } }],
            ports: [{ protocol: "TCP", port: 1234 }],
        }]);
    });

    it("governs the Gitea StatefulSet with a headless Service", () => {
        const sts = rec.one("kubernetes:apps/v1:StatefulSet", "code-gitea");
        const headless = rec.one("kubernetes:core/v1:Service", "code-gitea-headless");
        assert.equal(sts.inputs.spec.serviceName, headless.inputs.metadata.name);
        assert.equal(headless.inputs.spec.clusterIP, "None");
        assert.deepEqual(headless.inputs.spec.selector, sts.inputs.spec.selector.matchLabels);
    });

    it("creates the administrator from a generated password in the gitea-admin Secret", () => {
        const admin = rec.one("kubernetes:core/v1:Secret", "code-gitea-admin");
        assert.equal(admin.inputs.metadata.name, "gitea-admin");
        assert.equal(unsecret(admin.inputs.stringData).username, mod.GITEA_ADMIN_USER);
        const init = podSpecOf(rec.one("kubernetes:apps/v1:StatefulSet", "code-gitea")).initContainers[0];
        assert.deepEqual(init.command.slice(0, 2), ["/bin/bash", "-c"]);
        assert.equal(init.command[2], mod.giteaInitScript());
        const byName = Object.fromEntries(init.env.map((e: any) => [e.name, e]));
        assert.deepEqual(byName.GITEA_ADMIN_PASSWORD.valueFrom.secretKeyRef, { name: "gitea-admin", key: "password" });
        assert.equal(byName.GITEA__database__DB_TYPE.value, "postgres");
    });

    it("writes app.ini and migrates the database before it creates or updates the administrator", () => {
        const lines = mod.giteaInitScript().split("\n");
        const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
        assert.ok(at(/docker-setup\.sh/) >= 0 && at(/docker-setup\.sh/) < at(/^gitea migrate$/));
        assert.ok(at(/^gitea migrate$/) < at(/admin user create/));
        assert.match(mod.giteaInitScript(), /change-password --username "\$GITEA_ADMIN_USERNAME" --password "\$GITEA_ADMIN_PASSWORD"/);
    });

    it("gives every container requests and limits", () => {
        for (const { container } of workloadContainers(rec.all)) {
            assert.ok(container.resources.requests.cpu && container.resources.limits.memory, container.name);
        }
    });

    it("refuses a builder without a registry, naming the setting", () => {
        assert.throws(() => new mod.CodeCenter("bad", { environment: "dev", domain: "d.io", storageClass: "x" }), /codeCenter\.builder needs the platform registry/);
    });

    it("renders the buildctl call CI uses", () => {
        assert.deepEqual(mod.buildctlArgs("tcp://b:1234", "r.io/shop/web:1").slice(-2), ["--output", "type=image,name=r.io/shop/web:1,push=true"]);
    });
});
