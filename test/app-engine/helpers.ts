/** Shared fixtures for the App Engine tests: a platform context and container walkers. */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformContext } from "../../components/core/context";
import type { Registration } from "../helpers/mocks";

/** A platform context with teams shop (namespace shop) and data (namespace data-jobs). */
export function fakeContext(over: Partial<PlatformContext> = {}): PlatformContext {
    return {
        environment: "dev",
        domain: "apps.example.com",
        storage: {
            blockStorageClass: "ceph-block",
            filesystemStorageClass: "ceph-fs",
            bucketStorageClass: "ceph-bucket",
            objectStoreEndpoint: "http://rook-ceph-rgw-objects.rook-ceph.svc:80",
        },
        registry: {
            host: "registry.apps.example.com",
            internalHost: "registry.containercloud-registry.svc:5000",
            dockerConfigJson: pulumi.secret(JSON.stringify({ auths: { "registry.apps.example.com": { auth: Buffer.from("push:s3cret").toString("base64") } } })),
        },
        tenants: {
            shop: { team: "shop", namespaces: [pulumi.output("shop")] },
            data: { team: "data", namespaces: [pulumi.output("data-jobs")] },
        },
        dependsOn: [],
        ...over,
    };
}

/** The pod spec of a workload registration (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
export function podSpecOf(r: Registration): any {
    const spec = r.inputs.spec;
    return spec?.jobTemplate?.spec?.template?.spec ?? spec?.template?.spec;
}

/** Every container (init containers included) of every workload registered. */
export function workloadContainers(all: Registration[]): { workload: string; container: any }[] {
    const kinds = ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"];
    return all
        .filter((r) => kinds.some((k) => r.type.endsWith(`:${k}`)))
        .flatMap((r) => {
            const pod = podSpecOf(r) ?? {};
            return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((c: any) => ({ workload: r.name, container: c }));
        });
}

/** Registrations of a Kubernetes kind (e.g. `Deployment`). */
export function ofKind(all: Registration[], kind: string): Registration[] {
    return all.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
}

/** A mocked input that holds a secret arrives wrapped as `{ <sig>: ..., value }`: unwrap it. */
export function unsecret(v: any): any {
    if (v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v) {
        return v.value;
    }
    return v;
}
