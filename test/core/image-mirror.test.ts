import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { imageMirrorTransformation, kindOfType, mirrorPodImages } from "../../components/core/image-mirror";

const M = "mirror.local:5000";

const deployment = () => ({
    metadata: { name: "x" },
    spec: { template: { spec: {
        initContainers: [{ name: "init", image: "busybox:1.36" }],
        containers: [{ name: "app", image: "quay.io/ceph/ceph:v19" }],
    } } },
});

describe("mirrorPodImages", () => {
    it("rewrites containers and init containers of a Deployment", () => {
        const out = mirrorPodImages("Deployment", deployment(), M);
        assert.equal(out.spec.template.spec.initContainers[0].image, "mirror.local:5000/docker.io/library/busybox:1.36");
        assert.equal(out.spec.template.spec.containers[0].image, "mirror.local:5000/quay.io/ceph/ceph:v19");
    });

    it("rewrites the job template of a CronJob", () => {
        const cj = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "registry:3.0.0" }] } } } } } };
        assert.equal(mirrorPodImages("CronJob", cj, M).spec.jobTemplate.spec.template.spec.containers[0].image, "mirror.local:5000/docker.io/library/registry:3.0.0");
    });

    it("rewrites a bare Pod", () => {
        const pod = { spec: { containers: [{ name: "c", image: "nginx" }] } };
        assert.equal(mirrorPodImages("Pod", pod, M).spec.containers[0].image, "mirror.local:5000/docker.io/library/nginx");
    });

    it("leaves other kinds untouched", () => {
        const cm = { data: { image: "nginx" } };
        assert.equal(mirrorPodImages("ConfigMap", cm, M), cm);
    });

    it("is a no-op without a mirror", () => {
        const d = deployment();
        assert.equal(mirrorPodImages("Deployment", d, undefined), d);
    });

    it("does not mutate its input", () => {
        const d = deployment();
        mirrorPodImages("Deployment", d, M);
        assert.equal(d.spec.template.spec.containers[0].image, "quay.io/ceph/ceph:v19");
    });
});

describe("kindOfType", () => {
    it("takes the kind from a kubernetes type token and ignores other packages", () => {
        assert.equal(kindOfType("kubernetes:apps/v1:StatefulSet"), "StatefulSet");
        assert.equal(kindOfType("pulumi-nodejs:dynamic:Resource"), undefined);
    });
});

describe("imageMirrorTransformation", () => {
    const args = (type: string, props: any) => ({ type, name: "n", props, opts: {}, resource: undefined as any });

    it("rewrites the props of a DaemonSet", () => {
        const t = imageMirrorTransformation(M);
        const r = t(args("kubernetes:apps/v1:DaemonSet", deployment()));
        assert.equal((r!.props as any).spec.template.spec.containers[0].image, "mirror.local:5000/quay.io/ceph/ceph:v19");
    });

    it("returns undefined for a Service", () => {
        assert.equal(imageMirrorTransformation(M)(args("kubernetes:core/v1:Service", { spec: { ports: [] } })), undefined);
    });

    it("rewrites once known when the spec holds Outputs", async () => {
        const props = { spec: { template: { spec: { containers: [{ name: "c", image: pulumi.output("nginx:1.27") }] } } } };
        const r = imageMirrorTransformation(M)(args("kubernetes:batch/v1:Job", props));
        const spec: any = await new Promise((resolve) => pulumi.output((r!.props as any).spec).apply(resolve));
        assert.equal(spec.template.spec.containers[0].image, "mirror.local:5000/docker.io/library/nginx:1.27");
    });

    it("leaves an Output elsewhere in the spec as it is and rewrites the images at once", () => {
        const secretName = pulumi.output("etcd-tls-1a2b3c4d");
        const props = { spec: { template: { spec: {
            containers: [{ name: "c", image: "quay.io/coreos/etcd:v3.6.16" }],
            volumes: [{ name: "tls", secret: { secretName } }],
        } } } };
        const spec = (imageMirrorTransformation(M)(args("kubernetes:apps/v1:StatefulSet", props))!.props as any).spec;
        assert.equal(pulumi.Output.isInstance(spec), false, "the spec is not wrapped in an Output for the sake of one volume");
        assert.equal(spec.template.spec.containers[0].image, "mirror.local:5000/quay.io/coreos/etcd:v3.6.16");
        assert.equal(spec.template.spec.volumes[0].secret.secretName, secretName, "the same Output, passed on untouched");
    });

    it("rewrites once known when an object on the pod-spec path is an Output", async () => {
        const template = pulumi.output({ spec: { containers: [{ name: "c", image: "registry:3.0.0" }] } });
        const r = imageMirrorTransformation(M)(args("kubernetes:apps/v1:Deployment", { spec: { replicas: 2, template } }));
        const spec = (r!.props as any).spec;
        assert.equal(spec.replicas, 2);
        const t: any = await new Promise((resolve) => spec.template.apply(resolve));
        assert.equal(t.spec.containers[0].image, "mirror.local:5000/docker.io/library/registry:3.0.0");
    });
});
