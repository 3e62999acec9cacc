import { TRAEFIK_VERSION } from "../../scripts/lib/router-tools";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import YAML from "yaml";
import * as versions from "../../components/versions";
import {
    checkTagVersion,
    imageCacheKey,
    ImageKeyInputs,
    LocalImage,
    localImages,
    parseAptSimulation,
    registryRef,
    renderAptConfig,
    renderAptSources,
    renderHostRegistryConfig,
    renderOciIndex,
    splitRef,
    upstreamVersion,
} from "../../scripts/lib/images";
import { COREDNS_VERSION, FLANNEL_VERSION, PAUSE_VERSION, REGISTRY_VERSION, registryTool } from "../../scripts/lib/image-tools";
import { KUBE_NETWORK_POLICIES_VERSION } from "../../scripts/lib/netpol-tools";
import { UNSTABLE_PREFERENCES } from "../../scripts/lib/image-debian";
import { K9S_VERSION } from "../../scripts/lib/console-image";

const byRef = (ref: string): LocalImage => {
    const image = localImages().find((i) => i.ref === ref);
    assert.ok(image, `no local image ${ref}`);
    return image;
};

function keyInputs(): ImageKeyInputs {
    return {
        image: byRef(versions.FLANNEL_IMAGE),
        binaries: { flannel: { version: "v0.28.10", cachedAs: "tools/flannel/v0.28.10-abc/flanneld", sha256: "11".repeat(32) } },
        debs: [{ name: "iptables", version: "1.8.11-2" }, { name: "libc6", version: "2.41-12+deb13u5" }],
    };
}

describe("imageCacheKey", () => {
    it("is the same for the same inputs, whatever the order of the packages", () => {
        const a = keyInputs();
        const b = keyInputs();
        b.debs.reverse();
        assert.equal(imageCacheKey(a), imageCacheKey(b));
    });

    it("changes when a tool binary changes", () => {
        const changed = keyInputs();
        changed.binaries.flannel.sha256 = "22".repeat(32);
        assert.notEqual(imageCacheKey(changed), imageCacheKey(keyInputs()));
    });

    it("changes when a tool's version or wrapper hash changes", () => {
        const version = keyInputs();
        version.binaries.flannel.version = "v0.28.11";
        const wrapper = keyInputs();
        wrapper.binaries.flannel.cachedAs = "tools/flannel/v0.28.10-def/flanneld";
        assert.notEqual(imageCacheKey(version), imageCacheKey(keyInputs()));
        assert.notEqual(imageCacheKey(wrapper), imageCacheKey(keyInputs()));
    });

    it("changes when a Debian package version changes", () => {
        const changed = keyInputs();
        changed.debs[0] = { name: "iptables", version: "1.8.11-3" };
        assert.notEqual(imageCacheKey(changed), imageCacheKey(keyInputs()));
    });

    it("changes when a file of the image changes", () => {
        const base = { ...keyInputs(), image: byRef(versions.BUSYBOX_IMAGE) };
        const changed = {
            ...base,
            image: {
                ...base.image,
                entries: base.image.entries.map((e) => (e.kind === "file" && e.path === "/etc/passwd" ? { ...e, content: `${e.content}extra:x:9:9::/:/bin/sh\n` } : e)),
            },
        };
        assert.notEqual(imageCacheKey(changed), imageCacheKey(base));
    });

    it("changes when the image config changes", () => {
        const base = keyInputs();
        const changed = { ...base, image: { ...base.image, config: { ...base.image.config, User: "1000:1000" } } };
        assert.notEqual(imageCacheKey(changed), imageCacheKey(base));
    });
});

describe("localImages", () => {
    it("are the images versions.ts pins for the local cluster, under the same references", () => {
        const expected = [
            versions.PAUSE_IMAGE, versions.BUSYBOX_IMAGE, versions.FLANNEL_CNI_PLUGIN_IMAGE, versions.FLANNEL_IMAGE, versions.COREDNS_IMAGE,
            versions.KUBE_NETWORK_POLICIES_IMAGE, versions.REGISTRY_IMAGE, versions.KUBECTL_IMAGE, versions.METRICS_SERVER_IMAGE,
            versions.ETCD_IMAGE,
            versions.REDIS_IMAGE, versions.POSTGRES_IMAGE, versions.MYSQL_IMAGE, versions.RABBITMQ_IMAGE,
            versions.K9S_IMAGE, versions.TTYD_IMAGE,
            versions.PROMETHEUS_IMAGE, versions.ALERTMANAGER_IMAGE,
            versions.TRAEFIK_IMAGE,
            versions.GITEA_IMAGE, versions.BUILDKIT_IMAGE,
            versions.VICTORIA_LOGS_IMAGE, versions.OTEL_COLLECTOR_IMAGE,
        ];
        assert.deepEqual(localImages().map((i) => i.ref).sort(), [...expected].sort());
    });

    it("tag each image with the version of what it carries", () => {
        assert.equal(splitRef(versions.FLANNEL_IMAGE).tag, FLANNEL_VERSION);
        assert.equal(splitRef(versions.COREDNS_IMAGE).tag, COREDNS_VERSION.replace(/^v/, ""));
        assert.equal(splitRef(versions.PAUSE_IMAGE).tag, PAUSE_VERSION);
        assert.equal(splitRef(versions.REGISTRY_IMAGE).tag, REGISTRY_VERSION.replace(/^v/, ""));
        assert.equal(splitRef(versions.KUBE_NETWORK_POLICIES_IMAGE).tag, KUBE_NETWORK_POLICIES_VERSION);
        assert.equal(splitRef(versions.K9S_IMAGE).tag, K9S_VERSION);
        assert.equal(splitRef(versions.TRAEFIK_IMAGE).tag, TRAEFIK_VERSION);
    });

    it("give the flannel image flanneld as entrypoint and iptables pointing at the nf_tables variants", () => {
        const image = byRef(versions.FLANNEL_IMAGE);
        assert.deepEqual(image.config.Entrypoint, ["/opt/bin/flanneld"]);
        assert.ok(image.entries.some((e) => e.kind === "binary" && e.path === "/opt/bin/flanneld"));
        assert.ok(image.debPackages?.includes("iptables"));
        const links = Object.fromEntries(image.entries.flatMap((e) => (e.kind === "symlink" ? [[e.path, e.target]] : [])));
        assert.equal(links["/usr/sbin/iptables-restore"], "iptables-nft-restore");
        assert.equal(links["/usr/sbin/ip6tables"], "ip6tables-nft");
    });

    it("give both flannel images the `cp` their init containers run", () => {
        for (const ref of [versions.FLANNEL_IMAGE, versions.FLANNEL_CNI_PLUGIN_IMAGE]) {
            const image = byRef(ref);
            assert.equal(image.busyboxApplets, true, ref);
            assert.ok(image.debPackages?.includes("busybox-static"), ref);
        }
        assert.ok(byRef(versions.FLANNEL_CNI_PLUGIN_IMAGE).entries.some((e) => e.kind === "binary" && e.path === "/flannel"));
    });

    it("run pause and CoreDNS as upstream's images do", () => {
        assert.deepEqual(byRef(versions.PAUSE_IMAGE).config, { Entrypoint: ["/pause"], Env: [byRef(versions.PAUSE_IMAGE).config.Env[0]], User: "65535:65535", WorkingDir: "/" });
        const coredns = byRef(versions.COREDNS_IMAGE);
        assert.deepEqual(coredns.config.Entrypoint, ["/coredns"]);
        assert.equal(coredns.config.User, "65532:65532");
        assert.ok(coredns.entries.some((e) => e.kind === "binary" && e.path === "/coredns" && e.capabilities === "cap_net_bind_service=+ep"));
    });
});

describe("references", () => {
    it("keep the source host in the registry path", () => {
        assert.equal(registryRef("10.210.0.1:5000", versions.FLANNEL_IMAGE), "10.210.0.1:5000/docker.io/flannel/flannel:v0.28.10");
        assert.equal(registryRef("10.210.0.1:5000", versions.PAUSE_IMAGE), "10.210.0.1:5000/registry.k8s.io/pause:3.10.1");
    });

    it("split into repository and tag", () => {
        assert.deepEqual(splitRef("docker.io/library/busybox:1.37.0"), { repository: "docker.io/library/busybox", tag: "1.37.0" });
        assert.throws(() => splitRef("busybox"), /image reference "busybox" must be host\/repository:tag/);
    });

    it("name the image in the layout index for containerd", () => {
        const index = JSON.parse(renderOciIndex(versions.PAUSE_IMAGE, { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:00", size: 1 }));
        assert.equal(index.manifests[0].annotations["io.containerd.image.name"], versions.PAUSE_IMAGE);
        assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "3.10.1");
    });
});

describe("Debian packages", () => {
    it("parse the packages of a simulated install", () => {
        const out = [
            "NOTE: This is only a simulation!",
            "Inst libc6 (2.41-12+deb13u5 Debian:13.8/stable [amd64])",
            "Inst busybox-static (1:1.37.0-6+b9 Debian:13.8/stable [amd64])",
            "Conf libc6 (2.41-12+deb13u5 Debian:13.8/stable [amd64])",
        ].join("\n");
        assert.deepEqual(parseAptSimulation(out), [{ name: "libc6", version: "2.41-12+deb13u5" }, { name: "busybox-static", version: "1:1.37.0-6+b9" }]);
    });

    it("hold the busybox tag to the version of the busybox-static package it carries", () => {
        const image = byRef(versions.BUSYBOX_IMAGE);
        const tag = splitRef(versions.BUSYBOX_IMAGE).tag;
        assert.equal(checkTagVersion(image, [{ name: "busybox-static", version: `1:${tag}-6+b9` }]), undefined);
        assert.equal(
            checkTagVersion(image, [{ name: "busybox-static", version: "1:1.38.0-1" }]),
            `${versions.BUSYBOX_IMAGE} carries busybox-static 1:1.38.0-1: set its tag in components/versions.ts to 1.38.0`,
        );
    });

    it("take the upstream version out of a Debian version", () => {
        assert.equal(upstreamVersion("1:1.37.0-6+b9"), "1.37.0");
        assert.equal(upstreamVersion("6.5"), "6.5");
        assert.equal(upstreamVersion("1:1.3.dfsg+really1.3.1-1+deb13u1"), "1.3.dfsg+really1.3.1");
    });

    it("take unstable only for packages asked for by suite: it is pinned below the image suite", () => {
        const sources = renderAptSources("trixie").split("\n").filter(Boolean);
        assert.equal(sources.length, 4);
        assert.match(sources[3], /^deb \[signed-by=\S+ check-valid-until=no\] http:\/\/deb\.debian\.org\/debian unstable main$/);
        assert.ok(sources.slice(0, 3).every((l) => !l.includes("check-valid-until")), "the image suite's Release dates are checked");
        assert.match(UNSTABLE_PREFERENCES, /^Pin: release a=unstable$/m);
        assert.match(UNSTABLE_PREFERENCES, /^Pin-Priority: 100$/m);
    });

    it("keep apt's state and config under the private folder", () => {
        const conf = renderAptConfig("/cache/debian/trixie");
        for (const key of ["Dir::Etc", "Dir::State", "Dir::State::status", "Dir::Cache"]) {
            assert.match(conf, new RegExp(`^${key} "/cache/debian/trixie/`, "m"), key);
        }
    });
});

describe("renderHostRegistryConfig", () => {
    it("renders valid YAML with filesystem storage and a plain-HTTP listener", () => {
        const cfg = YAML.parse(renderHostRegistryConfig({ addr: "10.210.0.1:5000", rootDirectory: "/root/.cache/containercloud/registry" }));
        assert.equal(cfg.version, "0.1");
        assert.deepEqual(cfg.storage.filesystem, { rootdirectory: "/root/.cache/containercloud/registry" });
        assert.equal(cfg.storage.delete, undefined);
        assert.equal(cfg.http.addr, "10.210.0.1:5000");
        assert.equal(cfg.http.tls, undefined);
    });

    it("rejects an address without a port, naming the field", () => {
        assert.throws(() => renderHostRegistryConfig({ addr: "10.210.0.1", rootDirectory: "/r" }), /registry addr "10.210.0.1" must be host:port/);
    });

    it("rejects a relative storage folder", () => {
        assert.throws(() => renderHostRegistryConfig({ addr: "127.0.0.1:5055", rootDirectory: "registry" }), /rootDirectory "registry" must be an absolute path/);
    });

    it("comes with the distribution tool that serves it", () => {
        assert.equal(registryTool().pkg, "github.com/distribution/distribution/v3/cmd/registry");
    });
});

describe("metrics images", () => {
    it("tag Prometheus and Alertmanager with the versions their tools build", async () => {
        const m = await import("../../scripts/lib/metrics-tools");
        assert.equal(splitRef(versions.PROMETHEUS_IMAGE).tag, m.PROMETHEUS_VERSION);
        assert.equal(splitRef(versions.ALERTMANAGER_IMAGE).tag, m.ALERTMANAGER_VERSION);
    });

    it("keep upstream's entrypoint, user and working directory", () => {
        const prom = localImages().find((i) => i.ref === versions.PROMETHEUS_IMAGE)!;
        assert.deepEqual(prom.config.Entrypoint, ["/bin/prometheus"]);
        assert.equal(prom.config.User, "nobody");
        assert.equal(prom.config.WorkingDir, "/prometheus");
        const am = localImages().find((i) => i.ref === versions.ALERTMANAGER_IMAGE)!;
        assert.deepEqual(am.config.Entrypoint, ["/bin/alertmanager"]);
        assert.equal(am.config.WorkingDir, "/alertmanager");
    });
});
