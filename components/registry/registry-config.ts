/** Pure renderers for the distribution registry: its config file, maintenance override, GC script and docker config. */
import { YamlData, toYaml } from "../core/yaml";

/** Where the registry keeps blobs. */
export type RegistryStorageKind = "filesystem" | "s3";

/** What `renderRegistryConfig` needs. */
export interface RegistryConfigOptions {
    /** Storage driver. */
    storage: RegistryStorageKind;
    /** Filesystem root (filesystem driver). */
    rootDirectory: string;
    /**
     * S3 region name; bucket, endpoint and keys come from `REGISTRY_STORAGE_S3_*` env vars (filled
     * from the ObjectBucketClaim's ConfigMap and Secret), so the file holds no secret.
     */
    s3Region: string;
    /** Path of the htpasswd file. */
    htpasswdPath: string;
    /** Realm shown to clients. */
    realm: string;
    /** TLS certificate and key paths. */
    tls: { certificate: string; key: string };
    /** Pull-through cache of this upstream, e.g. `https://registry-1.docker.io`. @default none */
    proxyRemoteUrl?: string;
    /** Log level. */
    logLevel: "error" | "warn" | "info" | "debug";
}

/** Listen addresses. */
export const REGISTRY_PORTS = { http: 5000, debug: 5001 } as const;

/** The maintenance section: upload purging on, read-only off (the GC job turns it on while it runs). */
export function maintenanceSection(readOnly: boolean): Record<string, YamlData> {
    return {
        uploadpurging: { enabled: !readOnly, age: "168h", interval: "24h", dryrun: false },
        readonly: { enabled: readOnly },
    };
}

/**
 * The registry's `config.yml`, keys in a stable order: storage (filesystem or S3, delete enabled,
 * upload purging), htpasswd auth, TLS, a debug listener with Prometheus metrics, and an optional
 * pull-through proxy.
 */
export function renderRegistryConfig(o: RegistryConfigOptions): string {
    const storage: Record<string, YamlData> = o.storage === "filesystem"
        ? { filesystem: { rootdirectory: o.rootDirectory } }
        : { s3: { region: o.s3Region, forcepathstyle: true, secure: false, rootdirectory: "/" } };
    storage.delete = { enabled: true };
    storage.cache = { blobdescriptor: "inmemory" };
    storage.maintenance = maintenanceSection(false);
    storage.redirect = { disable: true }; // clients cannot reach the in-cluster S3 endpoint
    const config: Record<string, YamlData> = {
        version: 0.1,
        log: { level: o.logLevel, formatter: "json", fields: { service: "registry" } },
        storage,
        auth: { htpasswd: { realm: o.realm, path: o.htpasswdPath } },
        http: {
            addr: `:${REGISTRY_PORTS.http}`,
            tls: { certificate: o.tls.certificate, key: o.tls.key },
            headers: { "X-Content-Type-Options": ["nosniff"] },
            debug: { addr: `:${REGISTRY_PORTS.debug}`, prometheus: { enabled: true, path: "/metrics" } },
        },
        health: { storagedriver: { enabled: true, interval: "10s", threshold: 3 } },
    };
    if (o.proxyRemoteUrl) {
        // credentials, if any, come from REGISTRY_PROXY_USERNAME/PASSWORD env vars
        config.proxy = { remoteurl: o.proxyRemoteUrl, ttl: "168h" };
    }
    return toYaml(config);
}

/** The `REGISTRY_STORAGE_MAINTENANCE` env value that puts a running registry in read-only mode. */
export function readOnlyOverride(): string {
    return JSON.stringify(maintenanceSection(true));
}

/** One step of the GC pod: kubectl (Kubernetes' image, no shell) or a shell command in the registry image. */
export type GcStep = { name: string; image: "kubectl"; args: string[] } | { name: string; image: "registry"; script: string };

/** Where the collection step leaves its exit code for the last step. */
export const GC_STATUS_DIR = "/gc-status";

/**
 * The GC pod's steps, run one after another (init containers, then the last as the container):
 * switch the registry Deployment to read-only (so no push races the sweep), wait for that rollout,
 * collect garbage, switch back and wait again, then fail or succeed as the collection did.
 * The collection records its exit code instead of failing, so the switch back runs even when
 * the collection fails. A failure of the first two steps (the API refusing the change, or the
 * read-only rollout not finishing in 10 minutes) fails the Job before any sweep.
 */
export function garbageCollectSteps(namespace: string, deployment: string, configPath: string): GcStep[] {
    const k = (...args: string[]) => ["-n", namespace, ...args];
    const wait = k("rollout", "status", `deployment/${deployment}`, "--timeout=10m");
    return [
        { name: "read-only", image: "kubectl", args: k("set", "env", `deployment/${deployment}`, `REGISTRY_STORAGE_MAINTENANCE=${readOnlyOverride()}`) },
        { name: "wait-read-only", image: "kubectl", args: wait },
        { name: "garbage-collect", image: "registry", script: `registry garbage-collect --delete-untagged ${configPath}; echo $? > ${GC_STATUS_DIR}/exit-code` },
        { name: "read-write", image: "kubectl", args: k("set", "env", `deployment/${deployment}`, "REGISTRY_STORAGE_MAINTENANCE-") },
        { name: "wait-read-write", image: "kubectl", args: wait },
        { name: "result", image: "registry", script: `exit "$(cat ${GC_STATUS_DIR}/exit-code)"` },
    ];
}

/** A `kubernetes.io/dockerconfigjson` payload for the hosts, keys in a stable order. */
export function renderDockerConfigJson(hosts: string[], username: string, password: string): string {
    const auth = Buffer.from(`${username}:${password}`).toString("base64");
    const auths: Record<string, unknown> = {};
    for (const h of hosts) {
        auths[h] = { username, password, auth };
    }
    return JSON.stringify({ auths });
}

/** One htpasswd line from a bcrypt hash. */
export function htpasswdLine(username: string, bcryptHash: string): string {
    return `${username}:${bcryptHash}\n`;
}

/** containerd's default registry config folder (CRI `config_path`). */
export const CONTAINERD_CERTS_DIR = "/etc/containerd/certs.d";

/** containerd's hosts.toml for a TLS registry whose certificate the CA at `caPath` issued. */
export function renderTrustedRegistryHosts(registryHost: string, caPath: string): string {
    if (!/^[a-z0-9.-]+(:\d+)?$/.test(registryHost)) {
        throw new Error(`registry node trust: registryHost must be host[:port] without a scheme or path (got "${registryHost}")`);
    }
    return [
        `server = "https://${registryHost}"`,
        "",
        `[host."https://${registryHost}"]`,
        `  capabilities = ["pull", "resolve"]`,
        `  ca = "${caPath}"`,
        "",
    ].join("\n");
}

/**
 * The node agent's script: copies the config into the node's folder (each file through a rename,
 * so containerd never reads half a file), then again every five minutes (a node whose folder was
 * wiped gets it back), until stopped.
 */
export function nodeTrustScript(hostDir: string): string {
    return [
        "set -e",
        "install_config() {",
        `  mkdir -p "${hostDir}"`,
        "  for f in ca.crt hosts.toml; do",
        `    cp "/config/$f" "${hostDir}/.$f.new" && mv "${hostDir}/.$f.new" "${hostDir}/$f"`,
        "  done",
        "}",
        "trap 'exit 0' TERM",
        "while true; do install_config; sleep 300 & wait $!; done",
    ].join("\n");
}
