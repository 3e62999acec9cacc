/**
 * The typed platform context: what the infrastructure layer provides to the App Engine layers.
 * Every field is a real value or resource output, never a name looked up at run time.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "./types";

/** Storage the platform offers, from `RookCeph` (or the cluster's own classes when Rook is off). */
export interface StorageContext {
    /** RWO block StorageClass (Ceph RBD); the default class. */
    blockStorageClass: pulumi.Input<string>;
    /** RWX shared-filesystem StorageClass (CephFS). */
    filesystemStorageClass: pulumi.Input<string>;
    /** StorageClass for ObjectBucketClaims (Ceph RGW). */
    bucketStorageClass: pulumi.Input<string>;
    /** In-cluster S3 endpoint of the object store, e.g. `http://rook-ceph-rgw-objects.rook-ceph.svc:80`. */
    objectStoreEndpoint: pulumi.Input<string>;
}

/** The platform image registry, from `Registry`. */
export interface RegistryContext {
    /** Host name clients push to and pull from, e.g. `registry.example.com`. */
    host: pulumi.Input<string>;
    /** In-cluster address, e.g. `registry.containercloud-registry.svc:5000`. */
    internalHost: pulumi.Input<string>;
    /** A dockerconfigjson payload (secret) that pulls from and pushes to the registry. */
    dockerConfigJson: pulumi.Output<string>;
}

/** A tenant the App Engine can place apps in. */
export interface TenantContext {
    /** Team name. */
    team: string;
    /** Namespaces of the team, first one is the default for its apps. */
    namespaces: pulumi.Output<string>[];
    /** The registry pull Secret each of the team's namespaces already holds. @default none */
    pullSecretName?: string;
}

/** What every App Engine layer receives. */
export interface PlatformContext {
    /** Environment profile. */
    environment: Environment;
    /** Base domain. */
    domain: string;
    /** Registry mirror for every image. @default none */
    imageMirror?: string;
    /** Storage classes and the object store. */
    storage: StorageContext;
    /** Platform registry, if deployed. */
    registry?: RegistryContext;
    /** Tenants by team name. */
    tenants: Record<string, TenantContext>;
    /** Resources later layers must wait for (e.g. CRDs, the storage cluster). */
    dependsOn: pulumi.Resource[];
}
