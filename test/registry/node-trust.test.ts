import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { parse } from "smol-toml";
import { recordRegistrations, Recorder } from "../helpers/mocks";

const rec: Recorder = recordRegistrations();
let mod: typeof import("../../components/registry/node-trust");

describe("RegistryNodeTrust", () => {
    before(async () => {
        mod = await import("../../components/registry/node-trust");
        new mod.RegistryNodeTrust("trust", { environment: "prod", registryHost: "registry.example.com", caCertPem: "CA PEM", imageMirror: "mirror.local" });
        await rec.settle();
    });

    const ds = () => rec.one("kubernetes:apps/v1:DaemonSet", "trust").inputs;

    it("writes a hosts.toml that pulls registry.<domain> over TLS, verified against the CA beside it", () => {
        const toml = parse(mod.renderTrustedRegistryHosts("registry.example.com", "/etc/containerd/certs.d/registry.example.com/ca.crt")) as any;
        assert.equal(toml.server, "https://registry.example.com");
        assert.deepEqual({ ...toml.host["https://registry.example.com"] }, {
            capabilities: ["pull", "resolve"],
            ca: "/etc/containerd/certs.d/registry.example.com/ca.crt",
        });
    });

    it("rejects a registry host with a scheme", () => {
        assert.throws(() => mod.renderTrustedRegistryHosts("https://registry.example.com", "/ca.crt"), /registryHost must be host\[:port\]/);
    });

    it("puts the CA and hosts.toml in a ConfigMap (a generated name, so a new CA rolls the pods) the pods mount", () => {
        const cm = rec.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.name === "trust-config")!;
        assert.equal(cm.inputs.data["ca.crt"], "CA PEM");
        assert.match(cm.inputs.data["hosts.toml"], /ca = "\/etc\/containerd\/certs.d\/registry.example.com\/ca.crt"/);
        const vol = ds().spec.template.spec.volumes.find((v: any) => v.name === "config");
        assert.match(vol.configMap.name, /^trust-config-[0-9a-f]{8}$/);
    });

    it("mounts containerd's registry config folder of the node and runs on every node, tainted ones too", () => {
        const spec = ds().spec.template.spec;
        assert.deepEqual(spec.volumes.find((v: any) => v.name === "certs").hostPath, { path: "/etc/containerd/certs.d", type: "DirectoryOrCreate" });
        assert.deepEqual(spec.tolerations, [{ operator: "Exists" }]);
        assert.equal(spec.automountServiceAccountToken, false);
        assert.equal(spec.containers[0].image, "mirror.local/docker.io/library/busybox:1.37.0");
    });

    it("drops every capability and keeps a read-only root, exempt only from hostPath and non-root with reasons", () => {
        const c = ds().spec.template.spec.containers[0];
        assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        const exemptions = JSON.parse(ds().metadata.annotations["containercloud.io/policy-exemptions"]);
        assert.deepEqual(exemptions.map((e: any) => e.rule).sort(), ["no-host-path-volumes", "run-as-non-root"]);
    });

    it("is ready only when the node holds this revision's files, with a different liveness check", () => {
        const c = ds().spec.template.spec.containers[0];
        assert.match(c.readinessProbe.exec.command.join(" "), /cmp -s \/config\/ca.crt .*cmp -s \/config\/hosts.toml/);
        assert.notDeepEqual(c.livenessProbe, c.readinessProbe);
    });

    it("copies each file through a rename, so containerd never reads half a file", () => {
        const script = mod.nodeTrustScript("/host-certs/registry.example.com");
        assert.match(script, /cp "\/config\/\$f" "\/host-certs\/registry.example.com\/\.\$f\.new" && mv /);
        assert.match(script, /trap 'exit 0' TERM/);
    });

    it("selects its pods with the platform namespace's NetworkPolicy (they serve nothing)", () => {
        const np = rec.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "trust-netpol").inputs;
        assert.deepEqual(np.spec.podSelector, {});
        assert.equal(np.spec.ingress.some((r: any) => r.ports !== undefined), false, "no port is open to any source");
    });

    it("rejects a relative certsDir naming the field", () => {
        assert.throws(
            () => new mod.RegistryNodeTrust("bad", { environment: "dev", registryHost: "registry.example.com", caCertPem: "x", certsDir: "etc/certs.d" }),
            /registry\.nodeTrust\.certsDir must be an absolute path/,
        );
    });
});
