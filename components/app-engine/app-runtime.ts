/**
 * App Runtime, the app execution layer: runs every app manifest as an `App` in its team's
 * tenant namespace. Apps given as source are built with `docker.Image`, pushed to the platform
 * registry and deployed by digest.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as dockerTypes from "@pulumi/docker";
import { CommonArgs } from "../core/types";
import { RegistryContext, TenantContext } from "../core/context";
import { AppManifest } from "./app-manifest";
import { App } from "./app";
import { AppBinding, BindingSecretRef } from "./bindings";
import { bindingKey } from "./services";
import { WorkloadFootprint } from "./workload";

/** Username and password for `host` from a dockerconfigjson payload (`auths.<host>.auth` or the explicit fields). */
export function registryCredentials(dockerConfigJson: string, host: string): { username: string; password: string } {
    let parsed: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
    try {
        parsed = JSON.parse(dockerConfigJson);
    } catch {
        throw new Error("registry.dockerConfigJson is not JSON");
    }
    const entry = parsed.auths?.[host];
    if (!entry) {
        throw new Error(`registry.dockerConfigJson has no auths entry for ${host} (has: ${Object.keys(parsed.auths ?? {}).join(", ") || "none"})`);
    }
    if (entry.username !== undefined && entry.password !== undefined) {
        return { username: entry.username, password: entry.password };
    }
    const decoded = Buffer.from(entry.auth ?? "", "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) {
        throw new Error(`registry.dockerConfigJson auths.${host}.auth is not base64 of user:password`);
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Arguments of `AppRuntime`. */
export interface AppRuntimeArgs extends CommonArgs {
    /** Base domain. */
    domain: string;
    /** Parsed app manifests. */
    apps: AppManifest[];
    /** Tenants by team (from PlatformContext.tenants): an app runs in its team's first namespace. */
    tenants: Record<string, TenantContext>;
    /** Platform registry: source apps are pushed there, and pods pull with its credentials. @default none (source apps are an error) */
    registry?: RegistryContext;
    /** Binding Secrets by `<team>/<app>/<binding>` (from `Services`). @default {} */
    bindingSecrets?: Record<string, BindingSecretRef>;
    /** IngressClass of the App Router. @default "containercloud" */
    ingressClassName?: string;
    /** PriorityClass of app pods. @default none */
    priorityClassName?: string;
    /** OTLP endpoint apps send traces to. @default none */
    otlpEndpoint?: string;
    /** Directory `source.dir` is relative to. @default the current directory */
    sourceRoot?: string;
}

/** Every app of the stack. */
export class AppRuntime extends pulumi.ComponentResource {
    /** Apps by `<team>/<app>`. */
    public readonly apps: Record<string, App>;
    /** Hosts by `<team>/<app>`. */
    public readonly hosts: Record<string, string[]>;
    /** What the apps reserve at minimum scale, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: AppRuntimeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:AppRuntime", name, {}, opts);
        const sourceRoot = args.sourceRoot ?? process.cwd();
        // Shared by every source-built app: the registry's push credentials, parsed once.
        let pushCredentials: pulumi.Output<{ username: string; password: string }> | undefined;
        this.apps = {};
        this.hosts = {};
        this.footprint = [];
        for (const app of args.apps) {
            const tenant = args.tenants[app.team];
            if (!tenant || tenant.namespaces.length === 0) {
                throw new pulumi.ResourceError(
                    `app ${app.name}: team: no tenant "${app.team}" (known: ${Object.keys(args.tenants).join(", ") || "none"}); add it to containercloud:tenancy.teams`, this);
            }
            const bindings: AppBinding[] = app.services.map((s) => {
                const ref = args.bindingSecrets?.[bindingKey(app.team, app.name, s.name)];
                if (ref === undefined) {
                    throw new pulumi.ResourceError(`app ${app.name}: services.${s.name}: no ${s.type} instance for this binding (is the Services module enabled?)`, this);
                }
                return { name: s.name, type: s.type, secretName: ref.name, secret: ref.secret };
            });

            let image: pulumi.Input<string> | undefined;
            if (app.source) {
                const registry = args.registry;
                if (!registry) {
                    throw new pulumi.ResourceError(`app ${app.name}: source: building from source needs the platform registry (enable containercloud:registry or give an image)`, this);
                }
                const creds = (pushCredentials ??= pulumi.all([registry.dockerConfigJson, registry.host]).apply(([j, h]) => registryCredentials(j, h)));
                // Loaded only when an app is built from source: most stacks deploy images and never need it.
                const docker = require("@pulumi/docker") as typeof dockerTypes;
                const context = path.resolve(sourceRoot, app.source.dir);
                const built = new docker.Image(`${name}-${app.team}-${app.name}-image`, {
                    imageName: pulumi.interpolate`${registry.host}/${app.team}/${app.name}:build`,
                    build: { context, dockerfile: path.join(context, app.source.dockerfile), platform: "linux/amd64" },
                    registry: { server: registry.host, username: creds.username, password: pulumi.secret(creds.password) },
                }, { parent: this });
                // Deploy by digest: a rebuild with the same tag still rolls the pods.
                image = built.repoDigest;
            }

            const a = new App(`${name}-${app.team}-${app.name}`, {
                app,
                namespace: tenant.namespaces[0],
                environment: args.environment,
                domain: args.domain,
                image,
                bindings,
                ingressClassName: args.ingressClassName,
                // The tenant's own pull Secret when it has one: one Secret per namespace, not per app.
                pullSecretName: tenant.pullSecretName,
                registryPullConfig: tenant.pullSecretName ? undefined : args.registry?.dockerConfigJson,
                imageMirror: args.imageMirror,
                priorityClassName: args.priorityClassName,
                otlpEndpoint: args.otlpEndpoint,
                labels: args.labels,
            }, { parent: this });
            this.apps[`${app.team}/${app.name}`] = a;
            this.hosts[`${app.team}/${app.name}`] = a.hosts;
            this.footprint.push(...a.footprint);
        }
        this.registerOutputs({ hosts: this.hosts });
    }
}
