/**
 * The image-mirror rewrite as a resource transformation: every container image of every Pod-bearing
 * object a component (or a Helm chart rendered in this process) registers is rewritten to pull from
 * the mirror, so air-gapped sites need no per-component image settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { mirrorImage } from "./images";

/** Kinds whose pod template sits at the path given (property names below the object root). */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
    Pod: ["spec"],
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
    ReplicationController: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The Kubernetes kind of a Pulumi type token (`kubernetes:apps/v1:Deployment` → `Deployment`), or undefined for non-Kubernetes types. */
export function kindOfType(type: string): string | undefined {
    if (!type.startsWith("kubernetes:")) {
        return undefined;
    }
    return type.split(":").pop();
}

type Plain = Record<string, unknown>;

function rewriteContainers(list: unknown, mirror: string): unknown {
    if (!Array.isArray(list)) {
        return list;
    }
    return list.map((c) => {
        if (c && typeof c === "object" && typeof (c as Plain).image === "string") {
            return { ...(c as Plain), image: mirrorImage((c as Plain).image as string, mirror) };
        }
        return c;
    });
}

/**
 * Pure: returns a copy of a Kubernetes object (`spec` and below, as plain data) of `kind` whose
 * `containers`, `initContainers` and `ephemeralContainers` images point at `mirror`. Objects of other
 * kinds, or with no mirror, are returned unchanged (same reference).
 */
export function mirrorPodImages<T extends Plain>(kind: string, obj: T, mirror?: string): T {
    const path = POD_SPEC_PATHS[kind];
    if (!mirror || !path) {
        return obj;
    }
    const rewrite = (node: unknown, depth: number): unknown => {
        if (!node || typeof node !== "object" || Array.isArray(node)) {
            return node;
        }
        const n = node as Plain;
        if (depth === path.length) {
            return {
                ...n,
                ...("initContainers" in n ? { initContainers: rewriteContainers(n.initContainers, mirror) } : {}),
                ...("containers" in n ? { containers: rewriteContainers(n.containers, mirror) } : {}),
                ...("ephemeralContainers" in n ? { ephemeralContainers: rewriteContainers(n.ephemeralContainers, mirror) } : {}),
            };
        }
        const key = path[depth];
        if (!(key in n)) {
            return node;
        }
        return { ...n, [key]: rewrite(n[key], depth + 1) };
    };
    return rewrite(obj, 0) as T;
}

/** True when a value holds no Output or Promise anywhere (so it can be rewritten synchronously). */
export function isPlainData(v: unknown): boolean {
    if (pulumi.Output.isInstance(v) || v instanceof Promise) {
        return false;
    }
    if (Array.isArray(v)) {
        return v.every(isPlainData);
    }
    if (v && typeof v === "object") {
        return Object.values(v as Plain).every(isPlainData);
    }
    return true;
}

function rewriteProps(type: string, props: Plain, mirror: string): Plain | undefined {
    const kind = kindOfType(type);
    if (!kind || !POD_SPEC_PATHS[kind] || props.spec === undefined) {
        return undefined;
    }
    if (isPlainData(props.spec)) {
        return mirrorPodImages(kind, props, mirror);
    }
    // Some field below spec is an Output: rewrite once it is known.
    const spec = pulumi.output(props.spec as pulumi.Input<Plain>).apply((s) => mirrorPodImages(kind, { spec: s }, mirror).spec);
    return { ...props, spec };
}

/**
 * A `transformations` resource option entry that rewrites the images of Pod-bearing kinds
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) with `mirrorImage`. Set on a
 * component, it applies to every descendant registered in this process (including `helm.v3.Chart`
 * and `yaml.ConfigFile` children). Returns a no-op when `mirror` is undefined.
 *
 * `helm.v4.Chart` renders in the provider, outside this process, so its children do not pass
 * through here: set the chart's image values (RookCeph does) or use `imageMirrorTransform`.
 */
export function imageMirrorTransformation(mirror?: string): pulumi.ResourceTransformation {
    return (args) => {
        if (!mirror) {
            return undefined;
        }
        const props = rewriteProps(args.type, args.props as Plain, mirror);
        return props ? { props, opts: args.opts } : undefined;
    };
}

/**
 * The same rewrite as a `transforms` entry (the newer option, which also reaches children of
 * provider-side components such as `helm.v4.Chart` when run by the Pulumi CLI).
 */
export function imageMirrorTransform(mirror?: string): pulumi.ResourceTransform {
    return (args) => {
        if (!mirror) {
            return undefined;
        }
        const props = rewriteProps(args.type, args.props as Plain, mirror);
        return props ? { props, opts: args.opts } : undefined;
    };
}
