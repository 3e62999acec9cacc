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

/** True for a value not known yet: an Output or a Promise. */
function isPending(v: unknown): boolean {
    return pulumi.Output.isInstance(v) || v instanceof Promise;
}

/** A pending value as an Output (the SDK's typing of `output` cannot unwrap `unknown`). */
function pendingOutput(v: unknown): pulumi.Output<unknown> {
    return pulumi.output(v) as pulumi.Output<unknown>;
}

/** `f` of a known value now, or of a pending one once it is known (an Output). */
function whenKnown(v: unknown, f: (known: unknown) => unknown): unknown {
    return isPending(v) ? pendingOutput(v).apply(f) : f(v);
}

function mirrorContainer(c: unknown, mirror: string): unknown {
    if (!c || typeof c !== "object") {
        return c;
    }
    const image = (c as Plain).image;
    if (typeof image === "string") {
        return { ...(c as Plain), image: mirrorImage(image, mirror) };
    }
    if (isPending(image)) {
        return { ...(c as Plain), image: pendingOutput(image).apply((i) => (typeof i === "string" ? mirrorImage(i, mirror) : i)) };
    }
    return c;
}

function mirrorContainers(list: unknown, mirror: string): unknown {
    return whenKnown(list, (l) => (Array.isArray(l) ? l.map((c) => whenKnown(c, (known) => mirrorContainer(known, mirror))) : l));
}

/**
 * The rewrite itself, for plain data or inputs: follows the pod-spec path of `kind` and copies only
 * the objects on it and the container lists. A value on that path that is not known yet (an Output
 * or a Promise: the spec, a container, an image) is rewritten once known; every other field, known
 * or not, is passed on as it is, so an Output elsewhere in the spec (a Secret's generated name, say)
 * costs nothing here.
 */
function mirrorAlongPath(obj: unknown, path: readonly string[], mirror: string): unknown {
    const rewrite = (node: unknown, depth: number): unknown => whenKnown(node, (n) => {
        if (!n || typeof n !== "object" || Array.isArray(n)) {
            return n;
        }
        const o = n as Plain;
        if (depth === path.length) {
            return {
                ...o,
                ...("initContainers" in o ? { initContainers: mirrorContainers(o.initContainers, mirror) } : {}),
                ...("containers" in o ? { containers: mirrorContainers(o.containers, mirror) } : {}),
                ...("ephemeralContainers" in o ? { ephemeralContainers: mirrorContainers(o.ephemeralContainers, mirror) } : {}),
            };
        }
        const key = path[depth];
        return key in o ? { ...o, [key]: rewrite(o[key], depth + 1) } : o;
    });
    return rewrite(obj, 0);
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
    return mirrorAlongPath(obj, path, mirror) as T;
}

function rewriteProps(type: string, props: Plain, mirror: string): Plain | undefined {
    const kind = kindOfType(type);
    const path = kind === undefined ? undefined : POD_SPEC_PATHS[kind];
    if (!path || props.spec === undefined) {
        return undefined;
    }
    return mirrorAlongPath(props, path, mirror) as Plain;
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
