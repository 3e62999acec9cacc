import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { recordRegistrations, Recorder } from "../helpers/mocks";
import { allPolicies } from "../../policies/rules";
import { checkAll, stackResource, type PolicyConfigEntry, type Report } from "./harness";

// The fixture runs under mocks here, so its render-only provider writes nothing; the real CLI
// preview of the same program is wired separately.
const rec: Recorder = recordRegistrations({ preview: true });

function packConfig(env: string): Record<string, PolicyConfigEntry> {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "../../policies/config", `${env}.json`), "utf8"));
}

describe("bad-program fixture", () => {
    let reports: Report[] = [];

    before(async () => {
        await import("../fixtures/bad-program/index");
        await rec.settle();
        const resources = rec.all
            .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
            .map((r) => stackResource(r.type, r.inputs, { name: r.name }));
        reports = await checkAll(allPolicies, resources, packConfig("prod"));
    });

    const mandatoryFor = (name: string) => reports
        .filter((r) => r.level === "mandatory" && r.urn?.endsWith(`::${name}`))
        .map((r) => r.policy);

    it("declares the four bad resources (and a disruption budget) through a render-only provider", () => {
        const provider = rec.one("pulumi:providers:kubernetes", "render");
        assert.equal(provider.inputs.renderYamlToDirectory, process.env.BAD_PROGRAM_OUT ?? "out/bad-program");
        assert.deepEqual(rec.all.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.name).sort(), ["bad-pdb", "bad-tenant", "latest-image", "no-limits", "privileged"]);
    });

    it("rejects the Deployment without limits with container-resources-required", () => {
        assert.deepEqual(mandatoryFor("no-limits"), ["container-resources-required", "container-resources-required"]);
    });

    it("rejects the nginx:latest Deployment with image-pinned", () => {
        assert.deepEqual(mandatoryFor("latest-image"), ["image-pinned", "image-registry-allowed"]);
    });

    it("rejects the privileged Pod with no-privileged-containers", () => {
        assert.deepEqual(mandatoryFor("privileged"), ["no-privileged-containers"]);
    });

    it("rejects the tenant Namespace without quota with tenant-namespace-quota", () => {
        assert.deepEqual(mandatoryFor("bad-tenant"), ["tenant-namespace-quota", "tenant-namespace-quota", "tenant-namespace-default-deny"]);
    });

    it("rejects nothing else", () => {
        assert.deepEqual(mandatoryFor("bad-pdb"), []);
    });
});
