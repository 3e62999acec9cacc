import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { APPS_PER_TEAM, appConfigCandidates, benchApp, benchApps, benchTeams, benchTenants } from "../../scripts/lib/bench-apps";
import { parseAppManifests } from "../../components/app-engine/app-manifest";

describe("benchApps", () => {
    it("generates manifests the app model accepts, with unique names", () => {
        const r = parseAppManifests(benchApps(60).map((raw, i) => ({ raw, source: `gen[${i}]` })));
        assert.equal(r.ok, true, r.ok ? "" : r.errors.join("\n"));
    });

    it("is deterministic", () => {
        assert.deepEqual(benchApp(42), benchApp(42));
    });

    it("puts every app in one of the generated teams", () => {
        const teams = benchTeams(2 * APPS_PER_TEAM + 1);
        assert.equal(Object.keys(teams).length, 3);
        for (const app of benchApps(2 * APPS_PER_TEAM + 1)) {
            assert.ok(teams[app.team as string], `team ${String(app.team)} missing`);
        }
    });
});

describe("benchTenants", () => {
    it("makes one team of one namespace per unit", () => {
        const t = benchTenants(3);
        assert.deepEqual(Object.values(t).map((x) => x.namespaces.length), [1, 1, 1]);
    });
});

describe("appConfigCandidates", () => {
    it("tries the inline list first, keeping the section's other keys", () => {
        const [first] = appConfigCandidates({ appDir: "stacks/apps/prod" }, [{ name: "a" }], "/tmp/x");
        assert.deepEqual(first.apps, { appDir: "stacks/apps/prod", inline: [{ name: "a" }] });
    });
});
