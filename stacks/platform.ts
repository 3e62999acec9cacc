/** Builds the platform from a validated stack config: the only place config turns into component args. */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ContainerCloud, ContainerCloudArgs } from "../components/container-cloud";
import { AppEngine } from "../components/app-engine";
import { PlatformConfig } from "./config";
import { appEngineArgsFromConfig } from "./config/app-engine";
import { stackApps } from "./config/apps";
import { tenantRuleParamsFor } from "./config/admission";

/** The project root: app folders and source builds are relative to it. */
const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * The local control plane simulates nodes and pods but runs no ingress controller that could
 * publish an address in an Ingress's status, which is what Pulumi's Ingress await waits for; so the
 * local stack skips that one wait. Everything else (Deployments, StatefulSets, DaemonSets, Jobs,
 * PVCs, Services' endpoints) is awaited for real.
 */
export function skipIngressAwait(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
    if (args.type !== "kubernetes:networking.k8s.io/v1:Ingress") {
        return undefined;
    }
    const props = args.props as { metadata?: { annotations?: Record<string, string> } };
    const metadata = { ...(props.metadata ?? {}), annotations: { ...(props.metadata?.annotations ?? {}), "pulumi.com/skipAwait": "true" } };
    return { props: { ...args.props, metadata }, opts: args.opts };
}

/** Everything `buildPlatform` creates, for the program's outputs and for tests. */
export interface Platform {
    cloud: ContainerCloud;
    appEngine: AppEngine;
}

/** The infrastructure sections of `ContainerCloudArgs` from the stack config (pure: no resources). */
export function infraArgs(config: PlatformConfig): Pick<ContainerCloudArgs, "network" | "etcd" | "storage" | "registry"> {
    const { network: n, etcd: e, storage: s, registry: r } = config;
    return {
        network: {
            enabled: n.enabled,
            namespace: n.namespace,
            podCidr: n.podCidr,
            serviceCidr: n.serviceCidr,
            subnetLen: n.subnetLen,
            backend: n.backend,
            subnetManager: n.subnetManager,
            networkPolicy: n.networkPolicy,
        },
        etcd: {
            enabled: e.enabled,
            namespace: e.namespace,
            replicas: e.replicas,
            storageSize: e.storageSize,
            storageClass: e.storageClass,
            backup: e.backup,
            defragSchedule: e.defragSchedule,
            antiAffinity: e.antiAffinity,
        },
        storage: {
            enabled: s.enabled,
            operator: s.operator,
            installCrds: s.installCrds,
            namespace: s.namespace,
            operatorNamespace: s.namespace,
            monCount: s.mon.count,
            mgrCount: s.mgr.count,
            replicas: s.replicas,
            allowMultiplePerNode: s.allowMultiplePerNode,
            devices: s.devices,
            reclaimPolicy: s.reclaimPolicy,
            storageClassNames: s.classes,
        },
        registry: {
            enabled: r.enabled,
            namespace: r.namespace,
            replicas: r.replicas,
            storage: r.storage,
            size: r.size,
            proxy: r.proxy,
            gcSchedule: r.gcSchedule,
            tlsSecretName: r.tlsSecretName,
            nodeTrust: r.nodeTrust,
        },
    };
}

/** Creates the `ContainerCloud` for a stack config. */
export function buildPlatform(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): Platform {
    // The apps first: a bad one stops the program before any resource is registered.
    const apps = stackApps(config, PROJECT_DIR);
    if (!apps.ok) {
        throw new pulumi.RunError(`invalid app manifests (nothing was deployed):\n${apps.errors.join("\n")}`);
    }
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
        admission: tenantRuleParamsFor(config.environment),
        ...infraArgs(config),
    }, opts);

    const quotas = Object.fromEntries(Object.entries(config.tenancy.teams).map(([t, v]) => [t, v.quota ?? config.tenancy.defaultQuota]));
    const engineArgs = appEngineArgsFromConfig(config.appEngine, apps.apps, quotas);
    // Parented to the cloud so it inherits the stack's kubernetes provider and image mirror.
    const appEngine = new AppEngine("app-engine", {
        context: cloud.context,
        platformCa: cloud.platformCa ? { certPem: cloud.platformCa.certPem, keyPem: cloud.platformCa.keyPem } : undefined,
        ...engineArgs,
        runtime: { ...engineArgs.runtime, sourceRoot: PROJECT_DIR },
    }, { parent: cloud, transformations: config.environment === "local" ? [skipIngressAwait] : [] });
    return { cloud, appEngine };
}
