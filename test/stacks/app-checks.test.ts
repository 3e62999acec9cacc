import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAppManifest, AppManifest } from "../../components/app-engine/app-manifest";
import { checkApps, hostOwner } from "../../stacks/config/app-checks";
import { parsePlatformConfig, PlatformConfig } from "../../stacks/config";

const TEAM = { namespaces: ["x"] };
function config(hosts: { shop?: string[]; data?: string[] } = {}): PlatformConfig {
    const r = parsePlatformConfig({
        environment: "dev",
        domain: "example.com",
        tenancy: { teams: { shop: { ...TEAM, namespaces: ["shop"], hosts: hosts.shop ?? [] }, data: { ...TEAM, namespaces: ["data"], hosts: hosts.data ?? [] } } },
    });
    assert.ok(r.ok, JSON.stringify(r));
    return r.config;
}

function app(name: string, team: string, routes: unknown[] = [], processes: Record<string, unknown> = { web: { port: 8080 } }): AppManifest {
    const r = parseAppManifest({ name, team, image: "docker.io/library/busybox:1.37.0", processes, routes }, `${name}.yaml`);
    assert.ok(r.ok, JSON.stringify(r));
    return r.app;
}

describe("route ownership", () => {
    it("gives a team its subdomain and the names under it, and the platform its own hosts", () => {
        const c = config({ data: ["reports.example.org"] });
        assert.deepEqual(hostOwner("shop.example.com", c), { team: "shop" });
        assert.deepEqual(hostOwner("web.shop.example.com", c), { team: "shop" });
        assert.deepEqual(hostOwner("reports.example.org", c), { team: "data" });
        assert.equal(hostOwner("registry.example.com", c), "platform");
        assert.equal(hostOwner("example.com", c), undefined);
        assert.equal(hostOwner("myshop.example.com", c), undefined, "a name that only ends like a team's subdomain is not the team's");
    });

    it("accepts the committed kind of app: the automatic host and a route on the team's own subdomain", () => {
        assert.deepEqual(checkApps(config(), [app("web", "shop", [{ host: "shop.example.com", paths: ["/"] }])]), []);
    });

    it("refuses another team's host in one line naming the app, the host and its owner", () => {
        assert.deepEqual(checkApps(config(), [app("web", "shop", [{ host: "api.data.example.com" }])]), [
            "app web (team shop): host api.data.example.com belongs to team data",
        ]);
        assert.deepEqual(checkApps(config({ data: ["reports.example.org"] }), [app("web", "shop", [{ host: "reports.example.org" }])]), [
            "app web (team shop): host reports.example.org belongs to team data",
        ]);
    });

    it("refuses a host nobody was given, naming where the platform assigns it", () => {
        const [line] = checkApps(config(), [app("web", "shop", [{ host: "www.example.net" }])]);
        assert.match(line, /^app web \(team shop\): host www\.example\.net is not under shop\.example\.com and not assigned to team shop; .*containercloud:tenancy\.teams\.shop\.hosts$/);
    });

    it("lets a team route a host the platform assigned to it", () => {
        assert.deepEqual(checkApps(config({ shop: ["www.example.net"] }), [app("web", "shop", [{ host: "www.example.net" }])]), []);
    });

    it("refuses the platform's own hosts", () => {
        assert.deepEqual(checkApps(config(), [app("web", "shop", [{ host: "registry.example.com" }])]), ["app web (team shop): host registry.example.com belongs to the platform"]);
    });

    it("refuses a host and path another app already routes, naming that app", () => {
        const apps = [app("a", "shop", [{ host: "shop.example.com", paths: ["/", "/api"] }]), app("b", "shop", [{ host: "shop.example.com", paths: ["/api"] }])];
        assert.deepEqual(checkApps(config(), apps), ["app b (team shop): host shop.example.com path /api is already routed to app a (team shop)"]);
    });

    it("checks the automatic <app>.<team>.<domain> host too: a team named like another's app subdomain cannot take it", () => {
        // Team "data" app "x" gets x.data.example.com; a route of team shop to it is refused.
        const apps = [app("x", "data"), app("web", "shop", [{ host: "x.data.example.com" }])];
        assert.deepEqual(checkApps(config(), apps), ["app web (team shop): host x.data.example.com belongs to team data"]);
    });

    it("names an app whose team does not exist", () => {
        assert.deepEqual(checkApps(config(), [app("web", "nobody")]), ['app web (team nobody): team: no team "nobody" in containercloud:tenancy.teams (known: shop, data)']);
    });

    it("refuses a host assigned to two teams", () => {
        assert.deepEqual(checkApps(config({ shop: ["www.example.net"], data: ["www.example.net"] }), []), [
            "containercloud:tenancy.teams.data.hosts: host www.example.net is already assigned to team shop; a host belongs to one team",
        ]);
    });
});
