/**
 * Node trust of the platform registry: the container runtime on every node pulls
 * `registry.<domain>/...` over TLS, verified against the platform CA. A DaemonSet writes containerd's
 * per-registry config (`<certsDir>/<host>/hosts.toml` and the CA beside it) into every node's
 * registry config folder, which containerd reads on each pull (its CRI `config_path`), and writes it
 * again every few minutes. Resolving the name to the router is the site's DNS, as for every platform
 * host; the local cluster's nodes resolve it through their hosts file (scripts/lib/local-dns.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CommonArgs } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources, toK8s } from "../core/resources";
import { policyExemptionAnnotation } from "../core/policy-exemptions";
import { platformNetworkPolicy } from "../core/network-policy";
import { BUSYBOX_IMAGE } from "../versions";
import { CONTAINERD_CERTS_DIR, nodeTrustScript, renderTrustedRegistryHosts } from "./registry-config";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

export { CONTAINERD_CERTS_DIR, nodeTrustScript, renderTrustedRegistryHosts } from "./registry-config";

/** Arguments of `RegistryNodeTrust`. */
export interface RegistryNodeTrustArgs extends CommonArgs {
    /** The registry's name as nodes pull it, e.g. `registry.example.com`. */
    registryHost: string;
    /** PEM of the CA that issued the certificate the registry's name presents (the platform CA). */
    caCertPem: pulumi.Input<string>;
    /** The nodes' containerd registry config folder. @default CONTAINERD_CERTS_DIR */
    certsDir?: string;
    /** Namespace (created, Pod Security `privileged`: the pods write a host folder). @default "containercloud-node-trust" */
    namespace?: string;
}

/** A DaemonSet on every node that keeps containerd's trust of the platform registry in place. */
export class RegistryNodeTrust extends pulumi.ComponentResource {
    /** The DaemonSet. */
    public readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: RegistryNodeTrustArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:registry:RegistryNodeTrust", name, {}, opts);
        const certsDir = args.certsDir ?? CONTAINERD_CERTS_DIR;
        if (!certsDir.startsWith("/")) {
            throw new pulumi.ResourceError(`registry node trust ${name}: registry.nodeTrust.certsDir must be an absolute path (got "${certsDir}")`, this);
        }
        const nodeDir = `${certsDir}/${args.registryHost}`;
        const hostDir = `/host-certs/${args.registryHost}`;
        const hostsToml = renderTrustedRegistryHosts(args.registryHost, `${nodeDir}/ca.crt`);
        const labels = standardLabels("registry-node-trust", "node-trust", args.labels ?? {});
        const selector = selectorLabels("registry-node-trust", "node-trust");

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: args.namespace ?? "containercloud-node-trust",
                labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "privileged" },
            },
        }, { parent: this });
        // The pods serve nothing: only the namespace's own pods and Prometheus may connect.
        platformNetworkPolicy(`${name}-netpol`, { namespace: ns.metadata.name, labels }, { parent: this });
        // A generated name: a new CA or host makes a new ConfigMap, which rolls the DaemonSet onto it.
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: ns.metadata.name, labels },
            data: { "ca.crt": args.caCertPem, "hosts.toml": hostsToml },
        }, { parent: this });

        this.daemonSet = new k8s.apps.v1.DaemonSet(name, {
            metadata: {
                name: "registry-node-trust",
                namespace: ns.metadata.name,
                labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-host-path-volumes", reason: "writes containerd's registry config folder on the node" },
                    { rule: "run-as-non-root", reason: "the node's containerd config folder belongs to root" },
                ]),
            },
            spec: {
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
                template: {
                    metadata: { labels: { ...labels, ...selector } },
                    spec: {
                        automountServiceAccountToken: false,
                        priorityClassName: "system-node-critical",
                        tolerations: [{ operator: "Exists" }],
                        nodeSelector: { "kubernetes.io/os": "linux" },
                        securityContext: { runAsUser: 0, runAsGroup: 0, seccompProfile: { type: "RuntimeDefault" } },
                        terminationGracePeriodSeconds: 5,
                        containers: [{
                            name: "trust",
                            image: mirrorImage(BUSYBOX_IMAGE, args.imageMirror),
                            command: ["sh", "-c", nodeTrustScript(hostDir)],
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                            resources: toK8s(resources("5m", "8Mi", "50m", "32Mi")),
                            // Ready once the node holds this revision's config; alive while the folder is there.
                            readinessProbe: {
                                exec: { command: ["sh", "-c", `cmp -s /config/ca.crt "${hostDir}/ca.crt" && cmp -s /config/hosts.toml "${hostDir}/hosts.toml"`] },
                                periodSeconds: 10,
                            },
                            livenessProbe: { exec: { command: ["test", "-d", hostDir] }, initialDelaySeconds: 30, periodSeconds: 60 },
                            volumeMounts: [
                                { name: "config", mountPath: "/config", readOnly: true },
                                { name: "certs", mountPath: "/host-certs" },
                            ],
                        }],
                        volumes: [
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "certs", hostPath: { path: certsDir, type: "DirectoryOrCreate" } },
                        ],
                    },
                },
            },
        }, { parent: this });
        this.registerOutputs({});
    }
}
