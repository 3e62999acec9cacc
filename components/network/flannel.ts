/**
 * Flannel: the founding design's network manager. Every node gets a subnet of the pod CIDR and
 * Flannel carries pod traffic between nodes (VXLAN by default). Flannel enforces no NetworkPolicy,
 * so by default the kube-network-policies agent runs beside it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { CommonArgs, ResourceRequirements } from "../core/types";
import { standardLabels, selectorLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources, toK8s } from "../core/resources";
import { FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE } from "../versions";
import { policyExemptionAnnotation } from "../core/policy-exemptions";
import { FLANNEL_HEALTHZ_PORT, FlannelBackend, SubnetManager, flanneldArgs, renderCniConf, renderNetConf, validateFlannelArgs } from "./flannel-config";
import { KubeNetworkPolicies } from "./kube-network-policies";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";


/** Arguments of `Flannel`. */
export interface FlannelArgs extends CommonArgs {
    /** Cluster pod CIDR; must equal the controller-manager's `--cluster-cidr` with the kube subnet manager. */
    podCidr: string;
    /** Cluster service CIDR; only used to check it does not overlap the pod CIDR. */
    serviceCidr: string;
    /** Prefix length of each node's subnet (`--node-cidr-mask-size` with the kube subnet manager). @default 24 */
    subnetLen?: number;
    /** Backend. @default { type: "vxlan" } */
    backend?: FlannelBackend;
    /**
     * Subnet lease store: the Kubernetes API (node.spec.podCIDR). Flannel's etcd store is not
     * offered: the platform's etcd runs on the pod network Flannel provides (see SubnetManager).
     * @default "kube"
     */
    subnetManager?: SubnetManager;
    /** NetworkPolicy enforcement beside Flannel. @default "kube-network-policies" */
    networkPolicy?: "kube-network-policies" | "none";
    /** Namespace (created, Pod Security `privileged`). @default "kube-flannel" */
    namespace?: string;
    /** Masquerade traffic leaving the pod network. @default true */
    ipMasq?: boolean;
    /** Resources of the flanneld container. @default requests 100m/64Mi, limits 500m/256Mi */
    resources?: ResourceRequirements;
}

const small = resources("20m", "16Mi", "100m", "64Mi");

/**
 * Flannel as a DaemonSet on every node (tolerating every taint), its CNI config, least-privilege
 * RBAC, and, by default, kube-network-policies for NetworkPolicy.
 */
export class Flannel extends pulumi.ComponentResource {
    /** Namespace Flannel runs in. */
    public readonly namespaceName: pulumi.Output<string>;
    /** The Flannel DaemonSet. */
    public readonly daemonSet: k8s.apps.v1.DaemonSet;
    /** The NetworkPolicy enforcer, when enabled. */
    public readonly networkPolicyAgent?: KubeNetworkPolicies;
    /** Resolved backend. */
    public readonly backend: FlannelBackend;
    /** Resolved subnet length. */
    public readonly subnetLen: number;
    /** Resolved subnet manager. */
    public readonly subnetManager: SubnetManager;

    constructor(name: string, args: FlannelArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:network:Flannel", name, {}, opts);
        this.backend = args.backend ?? { type: "vxlan" };
        this.subnetLen = args.subnetLen ?? 24;
        this.subnetManager = args.subnetManager ?? "kube";
        const networkPolicy = args.networkPolicy ?? "kube-network-policies";
        const nsName = args.namespace ?? "kube-flannel";
        const ipMasq = args.ipMasq ?? true;
        const res = args.resources ?? resources("100m", "64Mi", "500m", "256Mi");
        const problem = validateFlannelArgs({ ...args, subnetLen: this.subnetLen, backend: this.backend, subnetManager: this.subnetManager });
        if (problem) {
            throw new pulumi.ResourceError(`flannel ${name}: ${problem}`, this);
        }
        const labels = standardLabels("flannel", "network", args.labels ?? {});
        const selector = selectorLabels("flannel", "network");
        const netConf = renderNetConf(args.podCidr, this.subnetLen, this.backend);

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: nsName,
                labels: {
                    ...labels,
                    ...PLATFORM_NAMESPACE_LABELS,
                    // Flannel and the NetworkPolicy agent need the host network, host paths and NET_ADMIN.
                    "pod-security.kubernetes.io/enforce": "privileged",
                    "pod-security.kubernetes.io/audit": "privileged",
                    "pod-security.kubernetes.io/warn": "privileged",
                },
            },
        }, { parent: this });
        const namespace = ns.metadata.name;
        const s: FlannelSettings = { name, args, namespace, labels, selector, netConf, ipMasq, res };

        const sa = this.rbac(s);

        const cm = new k8s.core.v1.ConfigMap(`${name}-cfg`, {
            metadata: { namespace, labels },
            data: { "cni-conf.json": renderCniConf(), "net-conf.json": netConf },
        }, { parent: this });

        this.daemonSet = this.createDaemonSet(s, sa, cm);

        if (networkPolicy === "kube-network-policies") {
            this.networkPolicyAgent = new KubeNetworkPolicies(`${name}-netpol`, {
                environment: args.environment,
                imageMirror: args.imageMirror,
                labels: args.labels,
                namespace,
            }, { parent: this });
        }

        this.namespaceName = namespace;
        this.registerOutputs({ namespaceName: this.namespaceName });
    }

    /** The service account flanneld runs as, and the cluster role it needs; returns the account. */
    private rbac(s: FlannelSettings): k8s.core.v1.ServiceAccount {
        const { name, namespace, labels } = s;
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: "flannel", namespace, labels },
        }, { parent: this });
        const role = new k8s.rbac.v1.ClusterRole(`${name}-role`, {
            metadata: { name: "containercloud-flannel", labels },
            rules: [
                // reads its own pod (for the node name and annotations)
                { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
                // reads node.spec.podCIDR and watches peers' public-IP/backend annotations
                { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
                // writes its own backend data as node annotations and clears NetworkUnavailable
                { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
            ],
        }, { parent: this });
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-binding`, {
            metadata: { name: "containercloud-flannel", labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace }],
        }, { parent: this });
        return sa;
    }

    /** The DaemonSet: the CNI plugin and config installed by init containers, then flanneld. */
    private createDaemonSet(s: FlannelSettings, sa: k8s.core.v1.ServiceAccount, cm: k8s.core.v1.ConfigMap): k8s.apps.v1.DaemonSet {
        const { name, args, namespace, labels, selector, ipMasq, res } = s;
        return new k8s.apps.v1.DaemonSet(`${name}-ds`, {
            metadata: {
                name: "kube-flannel-ds",
                namespace,
                labels,
                annotations: policyExemptionAnnotation([
                    { rule: "no-host-network", reason: "creates the VXLAN/WireGuard device and routes in the node's network namespace" },
                    { rule: "no-host-path-volumes", reason: "installs the CNI plugin and config on the node and writes /run/flannel/subnet.env for it" },
                    { rule: "restricted-capabilities", reason: "NET_ADMIN and NET_RAW to manage routes, devices and iptables masquerade rules" },
                    { rule: "run-as-non-root", reason: "netlink and iptables changes in the host network namespace need root" },
                    { rule: "read-only-root-filesystem", reason: "iptables writes lock and state files at run time" },
                ]),
            },
            spec: {
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                template: {
                    metadata: { labels: { ...labels, ...selector } },
                    spec: {
                        serviceAccountName: sa.metadata.name,
                        hostNetwork: true,
                        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                        priorityClassName: "system-node-critical",
                        // Every node needs pod networking, whatever its taints.
                        tolerations: [{ operator: "Exists" }],
                        affinity: {
                            nodeAffinity: {
                                requiredDuringSchedulingIgnoredDuringExecution: {
                                    nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }],
                                },
                            },
                        },
                        initContainers: [
                            {
                                name: "install-cni-plugin",
                                image: mirrorImage(FLANNEL_CNI_PLUGIN_IMAGE, args.imageMirror),
                                command: ["cp"],
                                args: ["-f", "/flannel", "/opt/cni/bin/flannel"],
                                resources: toK8s(small),
                                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                                volumeMounts: [{ name: "cni-plugin", mountPath: "/opt/cni/bin" }],
                            },
                            {
                                name: "install-cni",
                                image: mirrorImage(FLANNEL_IMAGE, args.imageMirror),
                                command: ["cp"],
                                args: ["-f", "/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"],
                                resources: toK8s(small),
                                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                                volumeMounts: [
                                    { name: "cni", mountPath: "/etc/cni/net.d" },
                                    { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" },
                                ],
                            },
                        ],
                        containers: [{
                            name: "kube-flannel",
                            image: mirrorImage(FLANNEL_IMAGE, args.imageMirror),
                            command: ["/opt/bin/flanneld"],
                            args: flanneldArgs(ipMasq),
                            env: [
                                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                                { name: "EVENT_QUEUE_DEPTH", value: "5000" },
                            ],
                            resources: toK8s(res),
                            securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
                            // /healthz answers while flanneld runs; /readyz once it wrote subnet.env and its traffic rules
                            livenessProbe: { httpGet: { host: "127.0.0.1", path: "/healthz", port: FLANNEL_HEALTHZ_PORT }, initialDelaySeconds: 10, periodSeconds: 10 },
                            readinessProbe: { httpGet: { host: "127.0.0.1", path: "/readyz", port: FLANNEL_HEALTHZ_PORT }, periodSeconds: 10 },
                            volumeMounts: [
                                { name: "run", mountPath: "/run/flannel" },
                                { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" },
                                { name: "xtables-lock", mountPath: "/run/xtables.lock" },
                            ],
                        }],
                        volumes: [
                            { name: "run", hostPath: { path: "/run/flannel" } },
                            { name: "cni-plugin", hostPath: { path: "/opt/cni/bin" } },
                            { name: "cni", hostPath: { path: "/etc/cni/net.d" } },
                            { name: "flannel-cfg", configMap: { name: cm.metadata.name } },
                            { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                        ],
                    },
                },
            },
        }, { parent: this });
    }
}

/** What `Flannel`'s steps share: the resolved args and the namespace. */
interface FlannelSettings {
    name: string;
    args: FlannelArgs;
    namespace: pulumi.Output<string>;
    labels: Record<string, string>;
    selector: Record<string, string>;
    netConf: string;
    ipMasq: boolean;
    res: ResourceRequirements;
}
