/**
 * The Pulumi program: parse the stack config once, then build the platform on the stack's cluster.
 * A bad config stops here with one line per problem and no stack trace.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { formatIssue, fromPulumiConfig, parsePlatformConfig } from "./config";
import { buildPlatform } from "./platform";
import { clusterProvider } from "./provider";

const projectDir = path.resolve(__dirname, "..");
const parsed = parsePlatformConfig(fromPulumiConfig(pulumi.runtime.allConfig()));
if (!parsed.ok) {
    throw new pulumi.RunError(`invalid stack config:\n${parsed.issues.map(formatIssue).join("\n")}`);
}
const config = parsed.config;
const provider = clusterProvider(config.cluster, projectDir);
const platform = buildPlatform(config, { providers: { kubernetes: provider } });

export const environment = config.environment;
export const domain = config.domain;
export const tenants = Object.keys(platform.cloud.tenants);
/** Hosts the App Router serves: the platform's own and every app's. */
export const endpoints = platform.appEngine.urls;
/** Requested vs quota per team, and the platform's own footprint. */
export const resourceAudit = platform.appEngine.resourceAudit;
/** App Engine modules this stack runs. */
export const modules = platform.appEngine.enabledModules;
/** kubectl commands that label and taint nodes for their roles (edge, storage, worker). */
export const nodeRoleCommands = platform.appEngine.nodeRoleCommands;
/** The platform registry, where app images are pushed. */
export const registryHost = platform.cloud.registry?.host;
/** The etcd configuration store's client endpoint. */
export const etcdEndpoint = platform.cloud.etcd?.clientEndpoint;
