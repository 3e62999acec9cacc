import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { podSpecOf } from "./helpers";

const rec: Recorder = recordRegistrations();

describe("ManageSystem", () => {
    let mod: typeof import("../../components/app-engine/manage-system");
    before(async () => {
        mod = await import("../../components/app-engine/manage-system");
        new mod.ManageSystem("console", {
            environment: "dev", domain: "apps.example.com", ingressClassName: "containercloud",
            adminGroups: ["platform-admins"], viewerGroups: ["auditors"],
        });
        new mod.ManageSystem("ha", { environment: "prod", domain: "apps.example.com", namespace: "ha-console" });
        await rec.settle();
    });

    it("copies k9s out of its image into a volume the ttyd container runs it from", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "console-console"));
        const init = pod.initContainers[0];
        assert.match(init.image, /derailed\/k9s:v\d/);
        assert.deepEqual(init.command, ["cp", "/bin/k9s", mod.K9S_PATH]);
        const c = pod.containers[0];
        assert.match(c.image, /tsl0922\/ttyd:\d/);
        assert.equal(c.command, undefined, "ttyd's image keeps tini as its entrypoint");
        assert.deepEqual(c.volumeMounts.find((m: any) => m.name === "bin"), { name: "bin", mountPath: "/opt/console/bin", readOnly: true });
    });

    it("serves the page and its WebSocket on the http port, probed there (ready by the page, live by TCP)", () => {
        const c = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "console-console")).containers[0];
        assert.deepEqual(c.ports, [{ name: "http", containerPort: mod.CONSOLE_PORT }]);
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/", port: "http" });
        assert.deepEqual(c.livenessProbe.tcpSocket, { port: "http" });
        const svc = rec.one("kubernetes:core/v1:Service", "console-svc");
        assert.deepEqual(svc.inputs.spec.ports, [{ name: "http", port: 80, targetPort: "http" }]);
    });

    it("runs restricted, with requests and limits on every container", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "console-console"));
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
        for (const c of [...pod.initContainers, ...pod.containers]) {
            assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
            assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
            assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], c.name);
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory, c.name);
        }
        const ns = rec.one("kubernetes:core/v1:Namespace", "console-ns");
        assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("mounts no token of its own but the cluster CA, with which sessions reach the API server", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "console-console"));
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.serviceAccountName, "console");
        assert.equal(rec.one("kubernetes:core/v1:ServiceAccount", "console-sa").inputs.automountServiceAccountToken, false);
        const ca = pod.volumes.find((v: any) => v.name === "cluster-ca");
        assert.deepEqual(ca.configMap, { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] });
        const script = rec.one("kubernetes:core/v1:ConfigMap", "console-session").inputs.data["session.sh"];
        assert.match(script, /certificate-authority: \/etc\/console\/ca\/ca\.crt/);
    });

    it("gives the console's own ServiceAccount no binding", () => {
        const bound = rec.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
            .flatMap((b) => b.inputs.subjects).filter((x: any) => x.kind === "ServiceAccount").map((x: any) => x.name);
        assert.ok(!bound.includes("console"), bound.join());
        assert.equal(rec.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").length, 0);
    });

    it("binds admins to cluster-admin and viewers to view", () => {
        const admin = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "console-admin");
        assert.equal(admin.inputs.roleRef.name, "cluster-admin");
        assert.deepEqual(admin.inputs.subjects[0], { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "platform-admins" });
        assert.deepEqual(admin.inputs.subjects[1], { kind: "ServiceAccount", name: "console-admin", namespace: "containercloud-console" });
        const viewer = rec.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "console-viewer");
        assert.equal(viewer.inputs.roleRef.name, "view");
        assert.equal(viewer.inputs.subjects[1].kind, "ServiceAccount");
    });

    it("names the workload, its Service and its ServiceAccount console", () => {
        assert.equal(rec.one("kubernetes:apps/v1:Deployment", "console-console").inputs.metadata.name, "console");
        assert.equal(rec.one("kubernetes:core/v1:Service", "console-svc").inputs.metadata.name, "console");
        assert.equal(rec.one("kubernetes:core/v1:ServiceAccount", "console-sa").inputs.metadata.name, "console");
    });

    it("is reachable at console.<domain>", () => {
        const ing = rec.one("kubernetes:networking.k8s.io/v1:Ingress", "console-ingress");
        assert.equal(ing.inputs.spec.rules[0].host, "console.apps.example.com");
        assert.equal(ing.inputs.spec.ingressClassName, "containercloud");
    });

    it("runs two spread replicas with a disruption budget in prod", () => {
        const pod = podSpecOf(rec.one("kubernetes:apps/v1:Deployment", "ha-console"));
        assert.equal(rec.one("kubernetes:apps/v1:Deployment", "ha-console").inputs.spec.replicas, 2);
        assert.ok(pod.affinity.podAntiAffinity);
        assert.equal(rec.one("kubernetes:policy/v1:PodDisruptionBudget", "ha-pdb").inputs.spec.minAvailable, 1);
        assert.equal(rec.ofType("kubernetes:policy/v1:PodDisruptionBudget").length, 1, "none for one replica");
    });
});

describe("renderSessionScript", () => {
    it("asks for the token without echo and writes it only into the session's own kubeconfig", async () => {
        const { renderSessionScript } = await import("../../components/app-engine/manage-system");
        const s = renderSessionScript({ k9s: "/opt/console/bin/k9s", caFile: "/ca.crt" });
        assert.match(s, /^stty -echo/m);
        assert.match(s, /^dir="\$\(mktemp -d\)"$/m);
        assert.match(s, /^trap 'rm -rf "\$dir"' EXIT$/m);
        assert.match(s, /^    token: \$token$/m);
        assert.match(s, /^    server: https:\/\/\$\{KUBERNETES_SERVICE_HOST\}:\$\{KUBERNETES_SERVICE_PORT\}$/m);
        // k9s' cgo-less os/user needs $USER: the pod's uid has no /etc/passwd entry.
        assert.match(s, /^export USER=console LOGNAME=console HOME="\$dir" /m);
        assert.match(s, /^\/opt\/console\/bin\/k9s --all-namespaces --logoless --logFile "\$dir\/k9s\.log"$/m);
    });

    it("refuses input that is not a bearer token's characters (it goes into YAML)", async () => {
        const { renderSessionScript } = await import("../../components/app-engine/manage-system");
        const { spawnSync } = await import("child_process");
        const script = renderSessionScript({ k9s: "true", caFile: "/ca.crt" }).replace("sleep 2; ", "");
        for (const bad of ["", "abc\"\ncurrent-context: x", "a b", "x: y"]) {
            const r = spawnSync("sh", ["-c", script], { input: `${bad}\n`, encoding: "utf8" });
            assert.equal(r.status, 1, JSON.stringify(bad));
            assert.match(r.stdout, /not a bearer token/);
        }
        const ok = spawnSync("sh", ["-c", script], { input: "eyJhbGciOi.J9-_x.y~+/=\n", encoding: "utf8", env: { ...process.env, KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" } });
        assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    });
});

describe("renderTtydArgs", () => {
    it("checks origins, bounds sessions and runs the script with sh", async () => {
        const { renderTtydArgs } = await import("../../components/app-engine/manage-system");
        const a = renderTtydArgs({ port: 7681, maxSessions: 3, script: "/s.sh", title: "T" });
        assert.equal(a[0], "ttyd");
        assert.ok(a.includes("--check-origin") && a.includes("--writable"));
        assert.equal(a[a.indexOf("--max-clients") + 1], "3");
        assert.equal(a[a.indexOf("--port") + 1], "7681");
        assert.deepEqual(a.slice(-2), ["sh", "/s.sh"]);
    });
});
