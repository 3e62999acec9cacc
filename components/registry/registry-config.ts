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

/**
 * GC script, run in the registry image with a copied kubectl: switch the registry Deployment to
 * read-only (so no push races the sweep), wait for the rollout, collect garbage, and always switch
 * back (trap), even when the collection fails.
 */
export function garbageCollectScript(namespace: string, deployment: string, configPath: string): string {
    const k = `/tools/kubectl -n ${namespace}`;
    return [
        "set -eu",
        `restore() { ${k} set env deployment/${deployment} REGISTRY_STORAGE_MAINTENANCE- && ${k} rollout status deployment/${deployment} --timeout=10m; }`,
        "trap restore EXIT",
        `${k} set env deployment/${deployment} REGISTRY_STORAGE_MAINTENANCE='${readOnlyOverride()}'`,
        `${k} rollout status deployment/${deployment} --timeout=10m`,
        `registry garbage-collect --delete-untagged ${configPath}`,
    ].join("\n");
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
