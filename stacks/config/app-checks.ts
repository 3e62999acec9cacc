/**
 * The stack's apps checked against the stack config, before anything is registered (the program)
 * and without Pulumi (`check-config`), one line per problem naming the app:
 * - an app's team is one of `tenancy.teams`;
 * - every host an app routes belongs to its team: `<team>.<domain>` and the names under it, or a
 *   host the platform config assigns to the team (`tenancy.teams.<team>.hosts`). The platform's own
 *   hosts (registry, console, git) belong to the platform;
 * - a host and path belong to one app (one process of it).
 * The automatic `<app>.<team>.<domain>` host of every web process is checked like any other.
 */
import { AppManifest } from "../../components/app-engine/app-manifest";
import { processRoutes } from "../../components/app-engine/traffic-split";
import { platformHosts } from "../../components/app-engine/app-router";
import type { PlatformConfig } from "./index";

/** Who a host belongs to: a team, the platform, or nobody. */
export function hostOwner(host: string, config: Pick<PlatformConfig, "domain" | "tenancy">): { team: string } | "platform" | undefined {
    if (Object.values(platformHosts(config.domain)).includes(host)) {
        return "platform";
    }
    const teams = Object.entries(config.tenancy.teams);
    const assigned = teams.find(([, t]) => t.hosts.includes(host));
    if (assigned) {
        return { team: assigned[0] };
    }
    const under = teams.find(([team]) => host === `${team}.${config.domain}` || host.endsWith(`.${team}.${config.domain}`));
    return under ? { team: under[0] } : undefined;
}

/** Every problem of the apps against the config; empty when they can be deployed. */
export function checkApps(config: Pick<PlatformConfig, "domain" | "tenancy">, apps: AppManifest[]): string[] {
    const problems: string[] = [];
    const teams = Object.keys(config.tenancy.teams);
    const assignedTo = new Map<string, string>();
    for (const [team, t] of Object.entries(config.tenancy.teams)) {
        for (const host of t.hosts) {
            const other = assignedTo.get(host);
            if (other !== undefined) {
                problems.push(`containercloud:tenancy.teams.${team}.hosts: host ${host} is already assigned to team ${other}; a host belongs to one team`);
            }
            assignedTo.set(host, team);
        }
    }
    // host → path → the app (and process) that routes it.
    const taken = new Map<string, Map<string, string>>();
    for (const app of apps) {
        const who = `app ${app.name} (team ${app.team})`;
        if (!teams.includes(app.team)) {
            problems.push(`${who}: team: no team "${app.team}" in containercloud:tenancy.teams (known: ${teams.join(", ") || "none"})`);
            continue;
        }
        for (const [pname, p] of Object.entries(app.processes)) {
            if (p.type !== "web" || p.port === undefined) {
                continue;
            }
            for (const route of processRoutes(app, pname, config.domain)) {
                const owner = hostOwner(route.host, config);
                if (owner === "platform") {
                    problems.push(`${who}: host ${route.host} belongs to the platform`);
                    continue;
                }
                if (owner === undefined) {
                    problems.push(`${who}: host ${route.host} is not under ${app.team}.${config.domain} and not assigned to team ${app.team}; ` +
                        `route a host under it, or have the platform add it to containercloud:tenancy.teams.${app.team}.hosts`);
                    continue;
                }
                if (owner.team !== app.team) {
                    problems.push(`${who}: host ${route.host} belongs to team ${owner.team}`);
                    continue;
                }
                const paths = taken.get(route.host) ?? new Map<string, string>();
                taken.set(route.host, paths);
                for (const path of route.paths) {
                    const claimant = `app ${app.name} (team ${app.team})${pname === "web" ? "" : `, process ${pname}`}`;
                    const holder = paths.get(path);
                    if (holder !== undefined && holder !== claimant) {
                        problems.push(`${who}: host ${route.host} path ${path} is already routed to ${holder}`);
                        continue;
                    }
                    paths.set(path, claimant);
                }
            }
        }
    }
    return problems;
}
