/**
 * Manage System: the administrators' UI at `console.<domain>`. k9s (a maintained Kubernetes console:
 * every resource kind, describe, edit, logs, exec, port-forward, scale, delete) runs in a browser
 * terminal that ttyd serves. A session starts by asking for a Kubernetes bearer token (an OIDC id
 * token, or the token of the `console-admin` / `console-viewer` ServiceAccount) and runs k9s as that
 * user: admins' groups are bound to cluster-admin, viewers' to view, and the console's own
 * ServiceAccount has no rights and mounts no token. Headlamp, the console this module ran before,
 * cannot be built here (README, "The Manage System").
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../core/k8s";
import { platformNetworkPolicy } from "../core/network-policy";
import { CommonArgs, Environment, ResourceRequirements } from "../core/types";
import { selectorLabels, standardLabels } from "../core/labels";
import { mirrorImage } from "../core/images";
import { resources } from "../core/resources";
import { K9S_IMAGE, TTYD_IMAGE } from "../versions";
import { platformHosts, renderIngressSpec } from "./app-router";
import {
    TMP_MOUNT, TMP_VOLUME, WorkloadFootprint, containerResources, haAffinity, platformReplicas,
    restrictedContainerSecurityContext, restrictedPodSecurityContext, singleCheckProbes,
} from "./workload";
import { PLATFORM_NAMESPACE_LABELS } from "../core/tenant-rules";

/** What `ManageSystem` takes where its args leave a value out, per environment. The stack profiles (stacks/config) set the same values; test/stacks/defaults.test.ts holds them equal. */
export function manageSystemDefaults(env: Environment): { replicas: number } {
    return { replicas: platformReplicas(env) };
}

/** Port ttyd serves the console's page and its WebSocket (`/ws`) on. */
export const CONSOLE_PORT = 7681;
/** Where the init container puts the k9s binary for the ttyd container. */
export const K9S_PATH = "/opt/console/bin/k9s";
/** Where the session script and the cluster CA are mounted (side by side: a mount inside a ConfigMap volume could not be made). */
const SESSION_DIR = "/etc/console/session";
const CA_DIR = "/etc/console/ca";
/** uid the console runs as (no user of either image: a session's files live in its own folder under /tmp). */
const CONSOLE_UID = 10001;

/** Arguments of `ManageSystem`. */
export interface ManageSystemArgs extends CommonArgs {
    /** Base domain: the console is `console.<domain>`. */
    domain: string;
    /** Namespace. @default "containercloud-console" */
    namespace?: string;
    /** IngressClass of the App Router; no Ingress when undefined. @default undefined */
    ingressClassName?: string;
    /** Groups with full access (cluster-admin). @default [] */
    adminGroups?: string[];
    /** Groups with read-only access (view). @default [] */
    viewerGroups?: string[];
    /** Replicas. @default manageSystemDefaults(environment).replicas: 2 in staging/prod, 1 elsewhere */
    replicas?: number;
    /** Resources of the console container (ttyd and its sessions' k9s). @default 50m/128Mi requests, 1/512Mi limits */
    resources?: ResourceRequirements;
    /** Sessions one replica serves at once (each runs a k9s, ≈ 50–100 MiB): bounds memory within the limit. @default 4 */
    maxSessions?: number;
    /** PriorityClass. @default none */
    priorityClassName?: string;
}

/** Subjects of a binding: the groups and one ServiceAccount. */
export function bindingSubjects(groups: string[], serviceAccount: { name: pulumi.Input<string>; namespace: pulumi.Input<string> }): k8s.types.input.rbac.v1.Subject[] {
    return [
        ...groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
        { kind: "ServiceAccount", name: serviceAccount.name, namespace: serviceAccount.namespace },
    ];
}

/**
 * The script one console session runs (ttyd starts it per browser connection): asks for a bearer
 * token without echo, refuses anything that is not a token's characters (it goes into a YAML
 * file), writes a kubeconfig for the API server's in-cluster address and the cluster CA into a
 * folder of the session's own (removed when the session ends), and runs k9s with it.
 */
export function renderSessionScript(opts: { k9s: string; caFile: string }): string {
    return [
        "#!/bin/sh",
        "# One Manage System session: k9s as the user whose Kubernetes token is given.",
        "set -u",
        "printf 'Manage System (k9s). Kubernetes token: '",
        "stty -echo 2>/dev/null",
        "IFS= read -r token || exit 1",
        "stty echo 2>/dev/null",
        "printf '\\n'",
        "case \"$token\" in",
        "    '' | *[!A-Za-z0-9._~+/=-]*) echo 'not a bearer token'; sleep 2; exit 1 ;;",
        "esac",
        "dir=\"$(mktemp -d)\"",
        "trap 'rm -rf \"$dir\"' EXIT",
        "trap 'exit 1' HUP INT TERM",
        "umask 077",
        "cat > \"$dir/kubeconfig\" <<EOF",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: in-cluster",
        "  cluster:",
        "    server: https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}",
        `    certificate-authority: ${opts.caFile}`,
        "users:",
        "- name: console-user",
        "  user:",
        "    token: $token",
        "contexts:",
        "- name: console",
        "  context:",
        "    cluster: in-cluster",
        "    user: console-user",
        "current-context: console",
        "EOF",
        "unset token",
        // k9s keeps its config, state, logs and screen dumps under the XDG folders: the session's own.
        // USER: k9s asks os/user for the current user at start, and its static (cgo-less) build answers
        // from /etc/passwd, which has no entry for the pod's uid, or else from $USER: without it k9s
        // dies ("user: Current requires cgo or $USER set in environment", exit 1) once connected.
        "export USER=console LOGNAME=console HOME=\"$dir\" KUBECONFIG=\"$dir/kubeconfig\" XDG_CONFIG_HOME=\"$dir/config\" XDG_STATE_HOME=\"$dir/state\" XDG_DATA_HOME=\"$dir/data\" XDG_CACHE_HOME=\"$dir/cache\"",
        `${opts.k9s} --all-namespaces --logoless --logFile "$dir/k9s.log"`,
        "status=$?",
        // ttyd closes the page as soon as the session ends: say why k9s stopped before that.
        "if [ \"$status\" -ne 0 ]; then",
        "    printf '\\nk9s exited with code %s; its log:\\n' \"$status\"",
        "    tail -n 20 \"$dir/k9s.log\" 2>/dev/null",
        "    printf 'Press Enter to close. '",
        "    read -r _",
        "fi",
        "exit \"$status\"",
        "",
    ].join("\n");
}

/** ttyd's arguments: the port, a writable terminal, origin checks against cross-site WebSockets, the session script. */
export function renderTtydArgs(opts: { port: number; maxSessions: number; script: string; title: string }): string[] {
    return [
        "ttyd",
        "--port", String(opts.port),
        "--writable",
        "--check-origin",
        "--max-clients", String(opts.maxSessions),
        "--ping-interval", "30",
        "--client-option", `titleFixed=${opts.title}`,
        "--client-option", "disableLeaveAlert=true",
        "sh", opts.script,
    ];
}

interface ConsoleSettings {
    name: string;
    args: ManageSystemArgs;
    env: Environment;
    replicas: number;
    res: ResourceRequirements;
    labels: Record<string, string>;
    selector: Record<string, string>;
    namespace: pulumi.Output<string>;
    meta: (n: string) => { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> };
}

/** Manage System: k9s in ttyd, its access bindings and its route. */
export class ManageSystem extends pulumi.ComponentResource {
    /** Console URL. */
    public readonly url: string;
    /** Namespace. */
    public readonly namespaceName: pulumi.Output<string>;
    /** What the console reserves, for the resource audit. */
    public readonly footprint: WorkloadFootprint[];

    constructor(name: string, args: ManageSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        super("containercloud:appengine:ManageSystem", name, {}, opts);
        const env = args.environment;
        const labels = standardLabels("console", "manage-system", args.labels);
        const ns = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: args.namespace ?? "containercloud-console", labels: { ...labels, ...PLATFORM_NAMESPACE_LABELS, "pod-security.kubernetes.io/enforce": "restricted" } },
        }, { parent: this });
        const namespace = ns.metadata.name;
        // the console's web port, for the router
        platformNetworkPolicy(`${name}-netpol`, { namespace, labels, openPorts: ["http"] }, { parent: this });
        const s: ConsoleSettings = {
            name, args, env, labels, namespace,
            replicas: args.replicas ?? manageSystemDefaults(env).replicas,
            res: args.resources ?? resources("50m", "128Mi", "1", "512Mi"),
            selector: selectorLabels("console", "manage-system"),
            meta: (n: string) => ({ name: n, namespace, labels }),
        };
        const host = platformHosts(args.domain).console;

        const sa = this.createAccess(s);
        const svc = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: s.meta("console"),
            spec: { selector: s.selector, ports: [{ name: "http", port: 80, targetPort: "http" }] },
        }, { parent: this });
        this.createDeployment(s, sa.metadata.name);
        if (s.replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: s.meta("console"),
                spec: { minAvailable: 1, selector: { matchLabels: s.selector } },
            }, { parent: this });
        }
        if (args.ingressClassName) {
            new k8s.networking.v1.Ingress(`${name}-ingress`, {
                metadata: s.meta("console"),
                spec: renderIngressSpec(args.ingressClassName, [{ host, paths: ["/"], serviceName: svc.metadata.name, servicePort: 80, tls: true }]),
            }, { parent: this });
        }

        this.url = `https://${host}`;
        this.namespaceName = namespace;
        // The init container only copies a file; it reserves what the console container does (a pod's requests are the larger of the two).
        this.footprint = [{ module: "manage-system", name: "console", replicas: s.replicas, containers: [s.res] }];
        this.registerOutputs({ url: this.url, namespaceName: this.namespaceName });
    }

    /**
     * The console's own ServiceAccount (no rights, no token: sessions act with the user's token) and
     * one login ServiceAccount per access level, bound with the level's groups.
     */
    private createAccess(s: ConsoleSettings): k8s.core.v1.ServiceAccount {
        const sa = new k8s.core.v1.ServiceAccount(`${s.name}-sa`, { metadata: s.meta("console"), automountServiceAccountToken: false }, { parent: this });
        const levels: [string, string, string[]][] = [
            ["admin", "cluster-admin", s.args.adminGroups ?? []],
            ["viewer", "view", s.args.viewerGroups ?? []],
        ];
        for (const [level, clusterRole, groups] of levels) {
            const loginSa = new k8s.core.v1.ServiceAccount(`${s.name}-${level}-sa`, { metadata: s.meta(`console-${level}`) }, { parent: this });
            new k8s.rbac.v1.ClusterRoleBinding(`${s.name}-${level}`, {
                metadata: { name: `containercloud:console-${level}`, labels: s.labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
                subjects: bindingSubjects(groups, { name: loginSa.metadata.name, namespace: s.namespace }),
            }, { parent: this });
        }
        return sa;
    }

    /** The session script's ConfigMap and the Deployment: k9s copied from its image, then ttyd. */
    private createDeployment(s: ConsoleSettings, serviceAccountName: pulumi.Output<string>): void {
        const script = new k8s.core.v1.ConfigMap(`${s.name}-session`, {
            metadata: { namespace: s.namespace, labels: s.labels },
            data: { "session.sh": renderSessionScript({ k9s: K9S_PATH, caFile: `${CA_DIR}/ca.crt` }) },
        }, { parent: this });
        const bin = { name: "bin", mountPath: "/opt/console/bin" };
        new k8s.apps.v1.Deployment(`${s.name}-console`, {
            metadata: s.meta("console"),
            spec: {
                replicas: s.replicas,
                selector: { matchLabels: s.selector },
                template: {
                    metadata: { labels: s.labels },
                    spec: {
                        serviceAccountName,
                        automountServiceAccountToken: false,
                        priorityClassName: s.args.priorityClassName,
                        securityContext: restrictedPodSecurityContext(CONSOLE_UID),
                        affinity: haAffinity(s.env, s.selector),
                        initContainers: [{
                            name: "k9s",
                            image: mirrorImage(K9S_IMAGE, s.args.imageMirror),
                            command: ["cp", "/bin/k9s", K9S_PATH],
                            resources: containerResources(resources("10m", "16Mi", "200m", "64Mi")),
                            securityContext: restrictedContainerSecurityContext(),
                            volumeMounts: [bin],
                        }],
                        containers: [{
                            name: "console",
                            image: mirrorImage(TTYD_IMAGE, s.args.imageMirror),
                            // ttyd's image has tini as its entrypoint (it reaps the sessions' processes): arguments only.
                            args: renderTtydArgs({ port: CONSOLE_PORT, maxSessions: s.args.maxSessions ?? 4, script: `${SESSION_DIR}/session.sh`, title: "Manage System" }),
                            ports: [{ name: "http", containerPort: CONSOLE_PORT }],
                            resources: containerResources(s.res),
                            securityContext: restrictedContainerSecurityContext(),
                            // ttyd serves its page and the terminal's WebSocket, and no health endpoint
                            ...singleCheckProbes({ httpGet: { path: "/", port: "http" }, periodSeconds: 10 }, "http", { periodSeconds: 20, initialDelaySeconds: 10 }),
                            volumeMounts: [
                                TMP_MOUNT,
                                { ...bin, readOnly: true },
                                { name: "session", mountPath: SESSION_DIR, readOnly: true },
                                { name: "cluster-ca", mountPath: CA_DIR, readOnly: true },
                            ],
                        }],
                        volumes: [
                            TMP_VOLUME,
                            { name: "bin", emptyDir: { sizeLimit: "256Mi" } },
                            { name: "session", configMap: { name: script.metadata.name, defaultMode: 0o555 } },
                            // The cluster CA every namespace gets (kube-controller-manager's root CA publisher): what a session's kubeconfig verifies the API server with.
                            { name: "cluster-ca", configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                        ],
                    },
                },
            },
        }, { parent: this, aliases: [{ name: `${s.name}-headlamp` }] });
    }
}
