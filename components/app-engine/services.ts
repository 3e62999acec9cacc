/**
 * Services, the base services layer: the catalog of backing services (PostgreSQL, MySQL, Redis,
 * RabbitMQ) with uniform access. Every app binding gets a dedicated instance in the app's
 * namespace (isolation per tenant; Secrets cannot be read across namespaces).
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, ResourceRequirements } from "../core/types";
import { AppManifest, ServiceType } from "./app-manifest";
import { BackingService, SERVICE_SIZES } from "./backing-service";
import { WorkloadFootprint } from "./workload";

/** Size of a service instance. */
export type ServiceSize = "small" | "medium" | "large";

/** One instance the catalog must run. */
export interface ServiceInstanceRequest {
    /** Key the instance is found by: `<team>/<app>/<binding>`. */
    key: string;
    /** Kind. */
    type: ServiceType;
    /** Namespace. */
    namespace: pulumi.Input<string>;
    /** Kubernetes name, e.g. `shop-web-postgres`. */
    instanceName: string;
    /** Size preset. */
    size: ServiceSize;
}

/** Key of an app's binding in `Services.instances`. */
export function bindingKey(team: string, app: string, binding: string): string {
    return `${team}/${app}/${binding}`;
}

/** The instances the apps' manifests ask for (one per binding), in manifest order. */
export function serviceInstancesForApps(apps: AppManifest[], namespaceOf: (team: string) => pulumi.Input<string>): ServiceInstanceRequest[] {
    return apps.flatMap((a) => a.services.map((s) => ({
        key: bindingKey(a.team, a.name, s.name),
        type: s.type,
        namespace: namespaceOf(a.team),
        instanceName: `${a.name}-${s.name}`,
        size: s.size,
    })));
}

/** Arguments of `Services`. */
export interface ServicesArgs extends CommonArgs {
    /** Block StorageClass for data volumes (Ceph RBD). */
    storageClass: pulumi.Input<string>;
    /** Instances to run. */
    instances: ServiceInstanceRequest[];
    /** Resources and storage per size preset (environment profiles shrink or grow them). @default SERVICE_SIZES */
    sizes?: Partial<Record<ServiceSize, { resources: ResourceRequirements; storage: string }>>;
    /** PriorityClass of the instances. @default none */
    priorityClassName?: string;
}

/** The backing service catalog. */
export class Services extends pulumi.ComponentResource {
    /** Instances by key (`<team>/<app>/<binding>`). */
    public readonly instances: Record<string, BackingService>;
    /** What the instances reserve, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: ServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:Services", name, {}, opts);
        const sizes = { ...SERVICE_SIZES, ...(args.sizes ?? {}) };
        this.instances = {};
        this.footprint = [];
        for (const req of args.instances) {
            if (this.instances[req.key] !== undefined) {
                throw new pulumi.ResourceError(`services: instance ${req.key} is requested twice: binding names must be unique per app`, this);
            }
            const size = sizes[req.size];
            const inst = new BackingService(`${name}-${req.key.replace(/\//g, "-")}`, {
                type: req.type,
                namespace: req.namespace,
                instanceName: req.instanceName,
                storageClass: args.storageClass,
                resources: size.resources,
                storage: size.storage,
                imageMirror: args.imageMirror,
                priorityClassName: args.priorityClassName,
                labels: args.labels,
            }, { parent: this });
            this.instances[req.key] = inst;
            const team = req.key.split("/")[0];
            this.footprint.push(...inst.footprint.map((f) => ({ ...f, team })));
        }
        this.registerOutputs({ instances: Object.keys(this.instances) });
    }
}
