/**
 * The real local cluster's control plane: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler built from Go modules, each a process of its own on this machine. The API server
 * listens on the host end of the node network, so kubelets in other network namespaces reach it
 * at the same address as the host. Flags are pure functions of the layout, unit-tested.
 */
import * as fs from "fs";
import * as path from "path";
import { DaemonDirs, runningPid, startDaemon, stopDaemon, waitFor } from "./daemons";
import { controlPlaneTools, ensureGoTool } from "./tools";
import { ensureCa, ensureCert, ensureServiceAccountKeys, renderKubeconfig } from "./local-pki";

/** Addresses and ranges of the local cluster. */
export interface ClusterLayout {
    /** Folder of the cluster's files (PKI, data, kubeconfigs). */
    dir: string;
    /** Host address of the node network; the API server and the host registry listen there. */
    hostIp: string;
    /** API server port. */
    apiPort: number;
    /** etcd client and peer ports on 127.0.0.1. */
    etcdPorts: { client: number; peer: number };
    /** Pod CIDR (`--cluster-cidr`; Flannel's network). */
    podCidr: string;
    /** Service CIDR. */
    serviceCidr: string;
    /** First address of the service CIDR: the `kubernetes` Service. */
    apiServiceIp: string;
}

/** Folder of the PKI inside a layout's folder. */
export function pkiDir(l: ClusterLayout): string {
    return path.join(l.dir, "pki");
}

/** The API server URL nodes and clients use. */
export function apiServerUrl(l: ClusterLayout): string {
    return `https://${l.hostIp}:${l.apiPort}`;
}

/** etcd's flags: one member on loopback, data in the cluster folder. */
export function etcdArgs(l: ClusterLayout): string[] {
    const client = `http://127.0.0.1:${l.etcdPorts.client}`;
    const peer = `http://127.0.0.1:${l.etcdPorts.peer}`;
    return [
        "--name=local", `--data-dir=${path.join(l.dir, "etcd")}`,
        `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=local=${peer}`, "--listen-metrics-urls=", "--log-level=warn",
    ];
}

/** kube-apiserver's flags. */
export function apiServerArgs(l: ClusterLayout): string[] {
    const pki = pkiDir(l);
    const f = (n: string) => path.join(pki, n);
    return [
        `--advertise-address=${l.hostIp}`, `--bind-address=${l.hostIp}`, `--secure-port=${l.apiPort}`,
        `--etcd-servers=http://127.0.0.1:${l.etcdPorts.client}`,
        `--service-cluster-ip-range=${l.serviceCidr}`,
        `--client-ca-file=${f("ca.crt")}`, `--tls-cert-file=${f("apiserver.crt")}`, `--tls-private-key-file=${f("apiserver.key")}`,
        `--kubelet-client-certificate=${f("apiserver-kubelet-client.crt")}`, `--kubelet-client-key=${f("apiserver-kubelet-client.key")}`,
        // Logs and exec would otherwise look the node name up in DNS.
        "--kubelet-preferred-address-types=InternalIP,Hostname",
        `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
        `--service-account-key-file=${f("sa.pub")}`, `--service-account-signing-key-file=${f("sa.key")}`,
        // The aggregation layer (metrics-server's metrics.k8s.io): the API server proxies to an
        // aggregated server as the front-proxy client. kubeadm gives that client a CA of its own;
        // here it shares the cluster CA, and only the name `front-proxy-client` is accepted.
        `--requestheader-client-ca-file=${f("ca.crt")}`, `--requestheader-allowed-names=${FRONT_PROXY_CLIENT}`,
        "--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        `--proxy-client-cert-file=${f(`${FRONT_PROXY_CLIENT}.crt`)}`, `--proxy-client-key-file=${f(`${FRONT_PROXY_CLIENT}.key`)}`,
        // The API server runs on the host, not in a pod: it dials an aggregated server's endpoints
        // (pod IPs, routed by Flannel on edge-1) rather than its Service.
        "--enable-aggregator-routing=true",
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        "--allow-privileged=true",
        "--profiling=false",
    ];
}

/** kube-controller-manager's flags: it allocates each node's pod CIDR (Flannel's kube subnet manager reads it). */
export function controllerManagerArgs(l: ClusterLayout): string[] {
    const pki = pkiDir(l);
    const kubeconfig = path.join(l.dir, "controller-manager.kubeconfig");
    return [
        `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1", "--leader-elect=false", "--use-service-account-credentials=true",
        "--allocate-node-cidrs=true", `--cluster-cidr=${l.podCidr}`, "--node-cidr-mask-size=24",
        `--service-cluster-ip-range=${l.serviceCidr}`,
        `--root-ca-file=${path.join(pki, "ca.crt")}`, `--service-account-private-key-file=${path.join(pki, "sa.key")}`,
        `--cluster-signing-cert-file=${path.join(pki, "ca.crt")}`, `--cluster-signing-key-file=${path.join(pki, "ca.key")}`,
        "--controllers=*,bootstrapsigner,tokencleaner",
        // A stopped node's pods are evicted after this long (the default is 5 minutes).
        "--node-monitor-grace-period=40s",
    ];
}

/** kube-scheduler's flags. */
export function schedulerArgs(l: ClusterLayout): string[] {
    const kubeconfig = path.join(l.dir, "scheduler.kubeconfig");
    return [
        `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1", "--leader-elect=false",
    ];
}

/** Common name of the certificate the API server proxies to aggregated API servers with. */
export const FRONT_PROXY_CLIENT = "front-proxy-client";

/** The clients of the control plane, each with its own certificate and kubeconfig. */
const CLIENTS = [
    { name: "admin", cn: "containercloud-admin", orgs: ["system:masters"] },
    { name: "controller-manager", cn: "system:kube-controller-manager" },
    { name: "scheduler", cn: "system:kube-scheduler" },
    { name: "kube-proxy", cn: "system:kube-proxy" },
];

/** Makes the PKI and the control plane's kubeconfigs (once). `admin.kubeconfig` is the user's. */
export function ensurePki(l: ClusterLayout, nodes: { name: string; ip: string }[]): void {
    const pki = pkiDir(l);
    ensureCa(pki);
    ensureServiceAccountKeys(pki);
    ensureCert(pki, {
        name: "apiserver",
        cn: "kube-apiserver",
        sans: {
            dns: ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"],
            ips: [l.hostIp, l.apiServiceIp, "127.0.0.1"],
        },
    });
    ensureCert(pki, { name: "apiserver-kubelet-client", cn: "kube-apiserver-kubelet-client", orgs: ["system:masters"] });
    ensureCert(pki, { name: FRONT_PROXY_CLIENT, cn: FRONT_PROXY_CLIENT });
    for (const c of CLIENTS) {
        ensureCert(pki, c);
        fs.writeFileSync(path.join(l.dir, `${c.name}.kubeconfig`), renderKubeconfig(apiServerUrl(l), pki, c.name), { mode: 0o600 });
    }
    for (const node of nodes) {
        const name = `kubelet-${node.name}`;
        ensureCert(pki, { name, cn: `system:node:${node.name}`, orgs: ["system:nodes"] });
        fs.writeFileSync(path.join(l.dir, `${name}.kubeconfig`), renderKubeconfig(apiServerUrl(l), pki, name), { mode: 0o600 });
        // The kubelet's serving certificate, signed by the cluster CA, so clients of its API
        // (the API server, metrics-server) verify it instead of trusting a self-signed one.
        ensureCert(pki, { name: kubeletServingCert(node.name), cn: `system:node:${node.name}`, orgs: ["system:nodes"], sans: { dns: [node.name], ips: [node.ip] } });
    }
}

/** File stem of a node's kubelet serving certificate in the PKI folder. */
export function kubeletServingCert(node: string): string {
    return `kubelet-${node}-serving`;
}

/** The control plane's processes, in start order. */
export const CONTROL_PLANE = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;

/** Runs `check` against the API server's /readyz with the admin credentials. */
export type ReadyCheck = () => boolean;

/**
 * Starts whatever part of the control plane is not running. `bins` maps binary names to paths;
 * `apiReady` says whether /readyz answers ok.
 */
export async function startControlPlane(l: ClusterLayout, dirs: DaemonDirs, bins: Record<string, string>, apiReady: ReadyCheck): Promise<void> {
    fs.mkdirSync(path.join(l.dir, "etcd"), { recursive: true, mode: 0o700 });
    const args: Record<(typeof CONTROL_PLANE)[number], string[]> = {
        etcd: etcdArgs(l),
        "kube-apiserver": apiServerArgs(l),
        "kube-controller-manager": controllerManagerArgs(l),
        "kube-scheduler": schedulerArgs(l),
    };
    for (const name of CONTROL_PLANE) {
        if (runningPid(dirs, name) === undefined) {
            startDaemon(dirs, name, bins[name], args[name]);
        }
        if (name === "kube-apiserver") {
            await waitFor("kube-apiserver /readyz", apiReady, 120_000);
        }
    }
}

/** Stops the control plane, last started first. */
export async function stopControlPlane(dirs: DaemonDirs): Promise<void> {
    for (const name of [...CONTROL_PLANE].reverse()) {
        // kube-apiserver may ignore the first SIGTERM for over a minute (REAL-NODES.md): a short grace, then SIGKILL.
        await stopDaemon(dirs, name, 10_000);
    }
}

/** Builds (or finds in the cache) every control-plane binary; returns their paths by name. */
export async function ensureControlPlaneTools(): Promise<Record<string, string>> {
    const bins: Record<string, string> = {};
    for (const tool of controlPlaneTools()) {
        const first = await ensureGoTool(tool, "local");
        const dir = path.dirname(first);
        for (const f of fs.readdirSync(dir)) {
            bins[f] = path.join(dir, f);
        }
    }
    return bins;
}

