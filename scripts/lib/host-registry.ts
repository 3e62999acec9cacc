/** The registry on the host that the local cluster's nodes pull from: its config, and what it holds. */
import * as path from "path";
import YAML from "yaml";
import { CACHE } from "./paths";
import { MEDIA, splitRef } from "./oci-layout";

// --- Registry ---

/** HEAD of a manifest in a plain-HTTP registry: its digest, or undefined when the tag is not there. */
export async function registryDigest(registry: string, ref: string): Promise<string | undefined> {
    const { repository, tag } = splitRef(ref);
    const res = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
        method: "HEAD",
        headers: { Accept: [MEDIA.manifest, MEDIA.index, "application/vnd.docker.distribution.manifest.v2+json"].join(", ") },
    });
    if (res.status === 404) {
        return undefined;
    }
    if (!res.ok) {
        throw new Error(`registry ${registry} answered ${res.status} for ${ref}`);
    }
    return res.headers.get("docker-content-digest") ?? undefined;
}

export async function checkRegistry(registry: string): Promise<void> {
    try {
        const res = await fetch(`http://${registry}/v2/`);
        if (res.status !== 200) {
            throw new Error(`/v2/ answered ${res.status}`);
        }
    } catch (err) {
        throw new Error(`the image registry at http://${registry} is not answering (${(err as Error).message}): start it before pushing images`);
    }
}

/** Folder the host registry keeps its images in: in the cache, so pushed images outlive a cluster. */
export const HOST_REGISTRY_ROOT = path.join(CACHE, "registry");

/** Options of `renderHostRegistryConfig`. */
export interface HostRegistryOptions {
    /** `host:port` the registry listens on (plain HTTP). */
    addr: string;
    /** Folder of its filesystem storage. */
    rootDirectory: string;
}

/**
 * config.yml of the host registry (distribution v3): filesystem storage, plain HTTP on `addr`, no
 * delete (images are replaced by pushing a tag again). Plain HTTP is for the nodes on this machine
 * only; the nodes' containerd is told the mirror is plain HTTP.
 */
export function renderHostRegistryConfig(opts: HostRegistryOptions): string {
    if (!/^[^\s:/]+:\d{1,5}$/.test(opts.addr)) {
        throw new Error(`registry addr "${opts.addr}" must be host:port`);
    }
    if (!path.isAbsolute(opts.rootDirectory)) {
        throw new Error(`registry rootDirectory "${opts.rootDirectory}" must be an absolute path`);
    }
    return YAML.stringify({
        version: "0.1",
        log: { level: "info", formatter: "text", fields: { service: "registry" } },
        storage: {
            filesystem: { rootdirectory: opts.rootDirectory },
            // Unfinished uploads are removed after a week.
            maintenance: { uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false } },
        },
        http: { addr: opts.addr, headers: { "X-Content-Type-Options": ["nosniff"] } },
        health: { storagedriver: { enabled: true, interval: "10s", threshold: 3 } },
    });
}
