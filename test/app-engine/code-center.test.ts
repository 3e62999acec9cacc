import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { fakeContext, podSpecOf, workloadContainers } from "./helpers";

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

    it("builds images with rootless BuildKit (no Docker daemon) and pushes with the registry credentials", () => {
        const d = rec.one("kubernetes:apps/v1:Deployment", "code-buildkitd");
        const c = podSpecOf(d).containers[0];
        assert.match(c.image, /moby\/buildkit:v[\d.]+-rootless$/);
        assert.ok(c.args.includes("--oci-worker-no-process-sandbox"));
        assert.equal(c.securityContext.runAsNonRoot, true);
        const push = rec.one("kubernetes:core/v1:Secret", "code-registry-push");
        assert.equal(push.inputs.type, "kubernetes.io/dockerconfigjson");
        const vol = podSpecOf(d).volumes.find((v: any) => v.name === "docker-config");
        assert.deepEqual(vol.secret.items, [{ key: ".dockerconfigjson", path: "config.json" }]);
        assert.deepEqual(JSON.parse(d.inputs.metadata.annotations["containercloud.io/policy-exemptions"]).map((e: any) => e.rule), ["read-only-root-filesystem", "min-replicas"]);
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
