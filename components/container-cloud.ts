/**
 * `ContainerCloud` composes the whole platform for one stack: tenant isolation, then the
 * infrastructure components, then the App Engine layers. Order and dependencies are real
 * resources passed as args.
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs } from "./core/types";
import { PlatformContext } from "./core/context";
import { TenantNamespace, TenantQuota, TenantLimits, PodSecurityLevel, TenantGroups } from "./tenancy/tenant-namespace";

/** One team and its namespaces. */
export interface TeamArgs {
    /** Namespaces of the team; the first is the default for its apps. */
    namespaces: string[];
    /** ResourceQuota per namespace. */
    quota: TenantQuota;
    /** RBAC groups. @default {} */
    groups?: TenantGroups;
    /** Pod Security level. @default "restricted" */
    podSecurity?: PodSecurityLevel;
}

/** Arguments of `ContainerCloud`. */
export interface ContainerCloudArgs extends CommonArgs {
    /** Base domain of the platform. */
    domain: string;
    /** Teams by name. */
    teams: Record<string, TeamArgs>;
    /** LimitRange every tenant namespace gets. */
    tenantLimits: TenantLimits;
}

/** The whole container cloud for one environment. */
export class ContainerCloud extends pulumi.ComponentResource {
    /** Tenant namespaces by `<team>/<namespace>`. */
    public readonly tenants: Record<string, TenantNamespace>;
    /** The context handed to the App Engine layers. */
    public readonly context: PlatformContext;

    constructor(name: string, args: ContainerCloudArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:index:ContainerCloud", name, {}, opts);

        this.tenants = {};
        const tenantContexts: PlatformContext["tenants"] = {};
        for (const [team, t] of Object.entries(args.teams)) {
            const namespaces: pulumi.Output<string>[] = [];
            for (const ns of t.namespaces) {
                const tenant = new TenantNamespace(`${name}-tenant-${ns}`, {
                    namespace: ns,
                    team,
                    quota: t.quota,
                    limits: args.tenantLimits,
                    groups: t.groups,
                    podSecurity: t.podSecurity,
                }, { parent: this });
                this.tenants[`${team}/${ns}`] = tenant;
                namespaces.push(tenant.namespaceName);
            }
            tenantContexts[team] = { team, namespaces };
        }

        this.context = {
            environment: args.environment,
            domain: args.domain,
            imageMirror: args.imageMirror,
            storage: {
                blockStorageClass: "standard",
                filesystemStorageClass: "standard",
                bucketStorageClass: "standard",
                objectStoreEndpoint: "",
            },
            tenants: tenantContexts,
            dependsOn: [],
        };
        this.registerOutputs({});
    }
}
