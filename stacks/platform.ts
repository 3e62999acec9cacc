/** Builds the platform from a validated stack config: the only place config turns into component args. */
import * as pulumi from "@pulumi/pulumi";
import { ContainerCloud } from "../components/container-cloud";
import { PlatformConfig } from "./config";

/** Everything `buildPlatform` creates, for the program's outputs and for tests. */
export interface Platform {
    cloud: ContainerCloud;
}

/** Creates the `ContainerCloud` for a stack config. */
export function buildPlatform(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): Platform {
    const teams = Object.fromEntries(Object.entries(config.tenancy.teams).map(([team, t]) => [team, {
        namespaces: t.namespaces,
        quota: t.quota ?? config.tenancy.defaultQuota,
        groups: t.groups,
        podSecurity: t.podSecurity,
    }]));
    const cloud = new ContainerCloud("platform", {
        environment: config.environment,
        domain: config.domain,
        imageMirror: config.imageMirror,
        teams,
        tenantLimits: config.tenancy.limits,
    }, opts);
    return { cloud };
}
