import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    noDefaultNamespace,
    noHostNetwork,
    noHostPathVolumes,
    noHostPidIpc,
    noHostPorts,
    noPlaintextSecrets,
    noPrivilegedContainers,
    noPrivilegeEscalation,
    noRegistryCredentialMounts,
    readOnlyRootFilesystem,
    restrictedCapabilities,
    runAsNonRoot,
    seccompRuntimeDefault,
} from "../../policies/rules";
import { checkResource } from "./harness";
import { deployment, POD_BEARING, specOf, T, workload } from "./fixtures";

const service = { metadata: { name: "web", namespace: "shop" }, spec: { ports: [{ port: 80 }] } };

describe("no-privileged-containers", () => {
    const policy = noPrivilegedContainers();

    it("passes an unprivileged Pod", async () => {
        assert.deepEqual((await checkResource(policy, T.pod, workload(T.pod))).messages, []);
    });

    it("fails a privileged container of every Pod-bearing kind", async () => {
        for (const type of POD_BEARING) {
            const props = workload(type);
            specOf(type, props).containers[0].securityContext.privileged = true;
            assert.deepEqual((await checkResource(policy, type, props)).messages, [
                `${type.split(":")[2]} "web": container "app" sets securityContext.privileged: true`,
            ]);
        }
    });

    it("fails a privileged init container", async () => {
        const d = deployment((_, spec) => {
            spec.initContainers = [{ name: "sysctl", securityContext: { privileged: true } }];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": init container "sysctl" sets securityContext.privileged: true`]);
    });

    it("is exemptible and takes its level from config", async () => {
        assert.equal(policy.exemptible, true);
        const d = deployment((_, __, c) => (c.securityContext.privileged = true));
        assert.equal((await checkResource(policy, T.deployment, d, { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("no-host-network", () => {
    const policy = noHostNetwork();

    it("passes a pod on the pod network", async () => {
        assert.deepEqual((await checkResource(policy, T.daemonSet, workload(T.daemonSet))).messages, []);
    });

    it("fails hostNetwork", async () => {
        const d = deployment((_, spec) => (spec.hostNetwork = true));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": pod sets hostNetwork: true`]);
    });

    it("can be disabled through the factory", () => {
        assert.equal(noHostNetwork({ enforcementLevel: "disabled" }).enforcementLevel, "disabled");
    });

    it("is not applicable to a ConfigMap", async () => {
        assert.ok((await checkResource(policy, T.configMap, { metadata: { name: "c" } })).notApplicable);
    });
});

describe("no-host-pid-ipc", () => {
    const policy = noHostPidIpc();

    it("passes a pod in its own PID and IPC namespaces", async () => {
        assert.deepEqual((await checkResource(policy, T.job, workload(T.job))).messages, []);
    });

    it("fails hostPID", async () => {
        const d = deployment((_, spec) => (spec.hostPID = true));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": pod sets hostPID: true`]);
    });

    it("fails hostIPC", async () => {
        const d = deployment((_, spec) => (spec.hostIPC = true));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": pod sets hostIPC: true`]);
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("no-host-path-volumes", () => {
    const policy = noHostPathVolumes();

    it("passes emptyDir and PVC volumes", async () => {
        const d = deployment((_, spec) => {
            spec.volumes = [{ name: "tmp", emptyDir: {} }, { name: "data", persistentVolumeClaim: { claimName: "data" } }];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails a hostPath volume", async () => {
        const d = deployment((_, spec) => {
            spec.volumes = [{ name: "run", hostPath: { path: "/run/flannel" } }];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": volume "run" mounts hostPath /run/flannel`]);
    });

    it("reports at the configured level", async () => {
        const d = deployment((_, spec) => (spec.volumes = [{ name: "x", hostPath: { path: "/" } }]));
        assert.equal((await checkResource(policy, T.deployment, d, { config: { enforcementLevel: "advisory" } })).reports[0].level, "advisory");
    });

    it("is not applicable to a Namespace", async () => {
        assert.ok((await checkResource(policy, T.namespace, { metadata: { name: "x" } })).notApplicable);
    });
});

describe("no-host-ports", () => {
    const policy = noHostPorts();

    it("passes container ports without hostPort", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, deployment())).messages, []);
    });

    it("fails a hostPort", async () => {
        const d = deployment((_, __, c) => (c.ports = [{ containerPort: 80, hostPort: 80 }]));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": container "app" binds hostPort 80`]);
    });

    it("reports at the configured level", async () => {
        const d = deployment((_, __, c) => (c.ports = [{ containerPort: 80, hostPort: 80 }]));
        assert.equal((await checkResource(policy, T.deployment, d, { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("no-privilege-escalation", () => {
    const policy = noPrivilegeEscalation();

    it("passes allowPrivilegeEscalation: false", async () => {
        assert.deepEqual((await checkResource(policy, T.statefulSet, workload(T.statefulSet))).messages, []);
    });

    it("fails allowPrivilegeEscalation: true", async () => {
        const d = deployment((_, __, c) => (c.securityContext.allowPrivilegeEscalation = true));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" does not set securityContext.allowPrivilegeEscalation: false`,
        ]);
    });

    it("fails when unset, because the kernel default allows escalation", async () => {
        const d = deployment((_, __, c) => delete c.securityContext);
        assert.equal((await checkResource(policy, T.deployment, d)).messages.length, 1);
    });

    it("reports at the configured level", async () => {
        const d = deployment((_, __, c) => delete c.securityContext);
        assert.equal((await checkResource(policy, T.deployment, d, { config: { enforcementLevel: "advisory" } })).reports[0].level, "advisory");
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("restricted-capabilities", () => {
    const policy = restrictedCapabilities();

    it("passes NET_BIND_SERVICE (with or without the CAP_ prefix)", async () => {
        const d = deployment((_, __, c) => (c.securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE", "cap_net_bind_service"] }));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails capabilities beyond the allowed set", async () => {
        const d = deployment((_, __, c) => (c.securityContext.capabilities = { add: ["NET_ADMIN", "SYS_ADMIN", "NET_BIND_SERVICE"] }));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" adds capabilities NET_ADMIN, SYS_ADMIN (allowed: NET_BIND_SERVICE)`,
        ]);
    });

    it("takes allowedCapabilities from config", async () => {
        const d = deployment((_, __, c) => (c.securityContext.capabilities = { add: ["NET_ADMIN"] }));
        assert.deepEqual((await checkResource(policy, T.deployment, d, { config: { allowedCapabilities: ["NET_ADMIN"] } })).messages, []);
        assert.deepEqual((await checkResource(policy, T.deployment, deployment((_, __, c) => (c.securityContext.capabilities = { add: ["NET_BIND_SERVICE"] })), { config: { allowedCapabilities: [] } })).messages, [
            `Deployment "web": container "app" adds capabilities NET_BIND_SERVICE (allowed: none)`,
        ]);
    });

    it("is not applicable to a ConfigMap", async () => {
        assert.ok((await checkResource(policy, T.configMap, { metadata: { name: "c" } })).notApplicable);
    });
});

describe("run-as-non-root", () => {
    const policy = runAsNonRoot();

    it("passes runAsNonRoot set at pod level only", async () => {
        const d = deployment((_, __, c) => delete c.securityContext.runAsNonRoot);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("passes runAsNonRoot set at container level only", async () => {
        const d = deployment((_, spec) => delete spec.securityContext.runAsNonRoot);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails when neither level sets it", async () => {
        const d = deployment((_, spec, c) => {
            delete spec.securityContext.runAsNonRoot;
            delete c.securityContext.runAsNonRoot;
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" does not set runAsNonRoot: true (pod or container securityContext)`,
        ]);
    });

    it("fails a container that overrides the pod with runAsNonRoot: false", async () => {
        const d = deployment((_, __, c) => (c.securityContext.runAsNonRoot = false));
        assert.equal((await checkResource(policy, T.deployment, d)).messages.length, 1);
    });

    it("fails runAsUser 0", async () => {
        const d = deployment((_, __, c) => (c.securityContext.runAsUser = 0));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web": container "app" runs as user 0 (root)`]);
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("read-only-root-filesystem", () => {
    const policy = readOnlyRootFilesystem();

    it("is advisory by default", () => assert.equal(policy.enforcementLevel, "advisory"));

    it("passes a read-only root filesystem", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, deployment())).messages, []);
    });

    it("fails a writable root filesystem", async () => {
        const d = deployment((_, __, c) => delete c.securityContext.readOnlyRootFilesystem);
        const out = await checkResource(policy, T.deployment, d);
        assert.deepEqual(out.messages, [`Deployment "web": container "app" does not set securityContext.readOnlyRootFilesystem: true`]);
        assert.equal(out.reports[0].level, "advisory");
    });

    it("can be made mandatory in config", async () => {
        const d = deployment((_, __, c) => delete c.securityContext.readOnlyRootFilesystem);
        assert.equal((await checkResource(policy, T.deployment, d, { config: "mandatory" })).reports[0].level, "mandatory");
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("seccomp-runtime-default", () => {
    const policy = seccompRuntimeDefault();

    it("is advisory by default", () => assert.equal(policy.enforcementLevel, "advisory"));

    it("passes RuntimeDefault at pod level and Localhost at container level", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, deployment())).messages, []);
        const d = deployment((_, spec, c) => {
            delete spec.securityContext.seccompProfile;
            c.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "profiles/web.json" };
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails an unset profile", async () => {
        const d = deployment((_, spec) => delete spec.securityContext.seccompProfile);
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" has seccomp profile unset (Unconfined); use RuntimeDefault`,
        ]);
    });

    it("fails a container that opts out with Unconfined", async () => {
        const d = deployment((_, __, c) => (c.securityContext.seccompProfile = { type: "Unconfined" }));
        assert.match((await checkResource(policy, T.deployment, d)).messages[0], /seccomp profile Unconfined/);
    });

    it("is not applicable to a Service", async () => {
        assert.ok((await checkResource(policy, T.service, service)).notApplicable);
    });
});

describe("no-plaintext-secrets", () => {
    const policy = noPlaintextSecrets();

    it("passes secret references and harmless literals", async () => {
        const d = deployment((_, __, c) => {
            c.env = [
                { name: "LOG_LEVEL", value: "info" },
                { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            ];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails a literal in a secret-looking env var", async () => {
        const d = deployment((_, __, c) => {
            c.env = [{ name: "DB_PASSWORD", value: "hunter2" }, { name: "api_token", value: "abc" }];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": container "app" sets env DB_PASSWORD to a literal value; use valueFrom.secretKeyRef`,
            `Deployment "web": container "app" sets env api_token to a literal value; use valueFrom.secretKeyRef`,
        ]);
    });

    it("passes a secret-looking env var whose literal is a path to a mounted file", async () => {
        const d = deployment((_, __, c) => (c.env = [{ name: "ETCDCTL_KEY", value: "/etc/etcd/tls/tls.key" }]));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails a ConfigMap with a secret-looking key", async () => {
        const cm = { metadata: { name: "web", namespace: "shop" }, data: { "app.conf": "x", "SECRET_KEY": "y" } };
        assert.deepEqual((await checkResource(policy, T.configMap, cm)).messages, [
            `ConfigMap "web": data key "SECRET_KEY" looks like a secret; store it in a Secret`,
        ]);
    });

    it("takes secretNamePattern from config", async () => {
        const d = deployment((_, __, c) => (c.env = [{ name: "DB_PASSWD", value: "x" }, { name: "API_KEY", value: "y" }]));
        const out = await checkResource(policy, T.deployment, d, { config: { secretNamePattern: "PASSWD" } });
        assert.deepEqual(out.messages, [`Deployment "web": container "app" sets env DB_PASSWD to a literal value; use valueFrom.secretKeyRef`]);
    });

    it("is not applicable to a Secret", async () => {
        assert.ok((await checkResource(policy, T.secret, { metadata: { name: "db" }, stringData: { PASSWORD: "x" } })).notApplicable);
    });
});

describe("no-default-namespace", () => {
    const policy = noDefaultNamespace();

    it("passes an object in a named namespace", async () => {
        assert.deepEqual((await checkResource(policy, T.deployment, deployment())).messages, []);
    });

    it("fails an explicit default namespace", async () => {
        const d = deployment(undefined, { namespace: "default" });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [`Deployment "web" is in the default namespace; set metadata.namespace`]);
    });

    it("fails an object without a namespace when its provider sets none", async () => {
        const svc = { metadata: { name: "web" }, spec: {} };
        assert.equal((await checkResource(policy, T.service, svc)).messages.length, 1);
    });

    it("passes an object without a namespace when its provider sets one", async () => {
        const svc = { metadata: { name: "web" }, spec: {} };
        assert.deepEqual((await checkResource(policy, T.service, svc, { provider: { namespace: "shop" } })).messages, []);
    });

    it("reports at the configured level", async () => {
        const d = deployment(undefined, { namespace: "default" });
        assert.equal((await checkResource(policy, T.deployment, d, { config: "advisory" })).reports[0].level, "advisory");
    });

    it("is not applicable to a cluster-scoped Namespace", async () => {
        assert.ok((await checkResource(policy, T.namespace, { metadata: { name: "default" } })).notApplicable);
    });
});

describe("no-registry-credential-mounts", () => {
    const policy = noRegistryCredentialMounts();

    it("passes a pod that only pulls with the registry credentials", async () => {
        const d = deployment((_, spec) => (spec.imagePullSecrets = [{ name: "registry-pull" }]));
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, []);
    });

    it("fails a volume, a projected volume, an env var and an envFrom reading them", async () => {
        const d = deployment((_, spec, c) => {
            spec.volumes = [{ name: "creds", secret: { secretName: "registry-pull" } }, { name: "all", projected: { sources: [{ secret: { name: "registry-pull" } }] } }];
            c.env = [{ name: "AUTH", valueFrom: { secretKeyRef: { name: "registry-pull", key: ".dockerconfigjson" } } }];
            spec.initContainers = [{ name: "copy", envFrom: [{ secretRef: { name: "registry-pull" } }] }];
        });
        assert.deepEqual((await checkResource(policy, T.deployment, d)).messages, [
            `Deployment "web": volume "creds" mounts the registry-pull Secret`,
            `Deployment "web": volume "all" mounts the registry-pull Secret`,
            `Deployment "web": container "app" reads the registry-pull Secret into its env`,
            `Deployment "web": init container "copy" reads the registry-pull Secret into its env`,
        ]);
    });

    it("is not exemptible", () => {
        assert.equal(policy.exemptible, false);
    });
});
