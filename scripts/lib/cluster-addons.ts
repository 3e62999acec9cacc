/**
 * Cluster add-ons the local cluster brings itself, as a managed cluster would: CoreDNS, so Service
 * names resolve. Its pods start once the platform's Flannel has given the nodes a pod network.
 */

/** Arguments of `coreDnsObjects`. */
export interface CoreDnsArgs {
    /** ClusterIP of the `kube-dns` Service (the kubelets' `clusterDNS`). */
    dnsIp: string;
    /** CoreDNS image (already rewritten to the mirror). */
    image: string;
    /** Replicas. @default 2 */
    replicas?: number;
}

/** The Corefile: cluster names from the API, everything else forwarded to the node's resolver. */
export function renderCorefile(): string {
    return [
        ".:53 {",
        "    errors",
        "    health {",
        "        lameduck 5s",
        "    }",
        "    ready",
        "    kubernetes cluster.local in-addr.arpa ip6.arpa {",
        "        pods insecure",
        "        fallthrough in-addr.arpa ip6.arpa",
        "        ttl 30",
        "    }",
        "    prometheus :9153",
        "    forward . /etc/resolv.conf {",
        "        max_concurrent 1000",
        "    }",
        "    cache 30",
        "    loop",
        "    reload",
        "    loadbalance",
        "}",
        "",
    ].join("\n");
}

/** CoreDNS's ServiceAccount, RBAC, ConfigMap, Deployment and `kube-dns` Service in kube-system. */
export function coreDnsObjects(a: CoreDnsArgs): Record<string, unknown>[] {
    const ns = "kube-system";
    const labels = { "k8s-app": "kube-dns" };
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: ns } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "system:coredns" },
            rules: [
                { apiGroups: [""], resources: ["endpoints", "services", "pods", "namespaces"], verbs: ["list", "watch"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "system:coredns" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
            subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: ns }],
        },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "coredns", namespace: ns }, data: { Corefile: renderCorefile() } },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "coredns", namespace: ns, labels },
            spec: {
                replicas: a.replicas ?? 2,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: "coredns",
                        priorityClassName: "system-cluster-critical",
                        dnsPolicy: "Default",
                        tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
                        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }],
                        containers: [{
                            name: "coredns",
                            image: a.image,
                            args: ["-conf", "/etc/coredns/Corefile"],
                            ports: [
                                { name: "dns", containerPort: 53, protocol: "UDP" },
                                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                                { name: "metrics", containerPort: 9153, protocol: "TCP" },
                            ],
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "170Mi" } },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                            },
                            livenessProbe: { httpGet: { path: "/health", port: 8080 }, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 5 },
                            readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 5 },
                            volumeMounts: [{ name: "config", mountPath: "/etc/coredns", readOnly: true }],
                        }],
                        volumes: [{ name: "config", configMap: { name: "coredns" } }],
                    },
                },
            },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "kube-dns", namespace: ns, labels: { ...labels, "kubernetes.io/name": "CoreDNS" } },
            spec: {
                clusterIP: a.dnsIp,
                selector: labels,
                ports: [
                    { name: "dns", port: 53, protocol: "UDP" },
                    { name: "dns-tcp", port: 53, protocol: "TCP" },
                    { name: "metrics", port: 9153, protocol: "TCP" },
                ],
            },
        },
    ];
}
