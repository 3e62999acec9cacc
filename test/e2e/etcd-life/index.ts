/**
 * A second, small `EtcdCluster` for the live life-cycle test (test/e2e/platform/etcd-life.ts): the
 * platform's own etcd requires one node per member, and the local cluster's four nodes cannot hold
 * five, so this one spreads by preference. Everything else is the component as every stack uses it
 * (TLS, auth Job, backup CronJob, the members' start script and the remove-members Job).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../../../components/core/k8s";
import { EtcdCluster } from "../../../components/etcd";

const config = new pulumi.Config();
const provider = new k8s.Provider("local", { kubeconfig: config.require("kubeconfig") });
const etcd = new EtcdCluster("life", {
    environment: "local",
    namespace: config.require("namespace"),
    replicas: config.requireNumber("replicas"),
    antiAffinity: "preferred",
    imageMirror: config.require("imageMirror"),
    storageClass: config.require("storageClass"),
    storageSize: "1Gi",
    backup: { retention: 2, size: "1Gi" },
}, { providers: [provider] });

export const replicas = etcd.replicas;
export const clientEndpoint = etcd.clientEndpoint;
