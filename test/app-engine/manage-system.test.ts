import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { podSpecOf } from "./helpers";

const rec: Recorder = recordRegistrations();

describe("ManageSystem", () => {
    before(async () => {
        const mod = await import("../../components/app-engine/manage-system");
        new mod.ManageSystem("console", {
            environment: "dev", domain: "apps.example.com", ingressClassName: "containercloud",
            adminGroups: ["platform-admins"], viewerGroups: ["auditors"],
        });
        await rec.settle();
    });

    it("runs Headlamp in-cluster with requests, limits and no token of its own", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "console-headlamp"));
        assert.equal(pod.automountServiceAccountToken, false);
        const c = pod.containers[0];
        assert.match(c.image, /headlamp:v\d/);
        assert.ok(c.args.includes("-in-cluster"));
        assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    });

    it("binds admins to cluster-admin and viewers to view", () => {
        const admin = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "console-admin");
        assert.equal(admin.inputs.roleRef.name, "cluster-admin");
        assert.deepEqual(admin.inputs.subjects[0], { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "platform-admins" });
        const viewer = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "console-viewer");
        assert.equal(viewer.inputs.roleRef.name, "view");
        assert.equal(viewer.inputs.subjects[1].kind, "ServiceAccount");
    });

    it("is reachable at console.<domain>", () => {
        const ing = rec.one("kubernetes:networking.k8s.io/v1:Ingress", "console-ingress");
        assert.equal(ing.inputs.spec.rules[0].host, "console.apps.example.com");
        assert.equal(ing.inputs.spec.ingressClassName, "containercloud");
    });
});
