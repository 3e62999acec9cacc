import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BUILDKIT_IMAGE, GITEA_IMAGE } from "../../components/versions";
import { GITEA_UID as POD_UID } from "../../components/app-engine/code-center";
import { splitRef } from "../../scripts/lib/images";
import { nodeRuntimeTools } from "../../scripts/lib/node-tools";
import { BUILDKIT_VERSION, GITEA_TAGS, GITEA_VERSION, buildkitTool, giteaTool } from "../../scripts/lib/code-center-tools";
import { GITEA_UID, buildkitImage, giteaImage } from "../../scripts/lib/code-center-images";

const binaries = (img: ReturnType<typeof giteaImage>) =>
    Object.fromEntries(img.entries.flatMap((e) => (e.kind === "binary" ? [[e.path, `${e.tool.id}/${e.binary ?? e.tool.binary}`]] : [])));

describe("the Gitea image", () => {
    it("is tagged with the release built here, rootless variant", () => {
        assert.equal(splitRef(GITEA_IMAGE).tag, `${GITEA_VERSION.replace(/^v/, "")}-rootless`);
    });

    it("runs as the uid the Code Center's pod sets, with upstream's entrypoint and paths", () => {
        const img = giteaImage();
        assert.equal(GITEA_UID, POD_UID);
        assert.equal(img.config.User, `${POD_UID}:${POD_UID}`);
        assert.deepEqual(img.config.Entrypoint, ["/usr/bin/dumb-init", "--", "/usr/local/bin/docker-entrypoint.sh"]);
        assert.ok(img.config.Env.includes("GITEA_APP_INI=/etc/gitea/app.ini"));
        assert.deepEqual(binaries(img), { "/app/gitea/gitea": "gitea/gitea" });
    });

    it("carries git and the tools upstream's setup script calls", () => {
        const img = giteaImage();
        for (const pkg of ["git", "bash", "dumb-init", "gettext-base"]) {
            assert.ok(img.debPackages?.includes(pkg), pkg);
        }
        const paths = img.entries.map((e) => e.path);
        for (const p of ["/usr/local/bin/docker-setup.sh", "/usr/local/bin/environment-to-ini", "/usr/local/bin/gitea", "/etc/templates/app.ini"]) {
            assert.ok(paths.includes(p), p);
        }
    });

    it("embeds its assets and reports the release and tags it was built with", () => {
        const tool = giteaTool();
        assert.equal(tool.tags, GITEA_TAGS);
        assert.match(GITEA_TAGS, /\bbindata\b/);
        assert.ok(tool.ldflags.includes(`-X main.Version=${GITEA_VERSION.replace(/^v/, "")}`));
    });
});

describe("the BuildKit image", () => {
    it("is tagged with the release built here (non-rootless variant)", () => {
        assert.equal(splitRef(BUILDKIT_IMAGE).tag, BUILDKIT_VERSION);
    });

    it("carries buildkitd, buildctl and the nodes' runc as buildkit-runc", () => {
        const runc = nodeRuntimeTools().find((t) => t.id === "runc");
        assert.deepEqual(binaries(buildkitImage()), {
            "/usr/bin/buildkitd": "buildkit/buildkitd",
            "/usr/bin/buildctl": "buildkit/buildctl",
            "/usr/bin/buildkit-runc": `runc/${runc?.binary}`,
        });
        assert.deepEqual(buildkitTool().morePkgs, ["github.com/moby/buildkit/cmd/buildctl"]);
    });

    it("starts through upstream's entrypoint", () => {
        assert.deepEqual(buildkitImage().config.Entrypoint, ["/usr/bin/buildkitd-entrypoint"]);
        assert.ok(buildkitImage().entries.some((e) => e.kind === "file" && e.path === "/usr/bin/buildkitd-entrypoint" && /exec \/usr\/bin\/buildkitd "\$@"/.test(e.content)));
    });
});
