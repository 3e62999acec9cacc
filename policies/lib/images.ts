/** Image references, parsed the way the container runtime does. */

/** The registry host of an image (`docker.io` when the reference names none). */
export function registryOf(image: string): string {
    const slash = image.indexOf("/");
    if (slash > 0) {
        const first = image.slice(0, slash);
        if (first.includes(".") || first.includes(":") || first === "localhost") {
            return first;
        }
    }
    return "docker.io";
}

/** The fully qualified reference: `nginx:1.27` → `docker.io/library/nginx:1.27`. */
export function qualifiedImage(image: string): string {
    const registry = registryOf(image);
    if (image.startsWith(`${registry}/`)) {
        return image;
    }
    return `docker.io/${image.includes("/") ? image : `library/${image}`}`;
}

/** How an image is pinned: by digest, by a tag other than `latest`, or not at all. */
export function pinOf(image: string): "digest" | "tag" | "latest" | "untagged" {
    if (/@sha256:[0-9a-f]{64}$/.test(image)) {
        return "digest";
    }
    // The tag is after the last ':' of the last path segment (a ':' before it is a registry port).
    const tail = image.slice(image.lastIndexOf("/") + 1);
    const colon = tail.lastIndexOf(":");
    if (colon < 0) {
        return "untagged";
    }
    return tail.slice(colon + 1) === "latest" ? "latest" : "tag";
}

/**
 * True when `image` comes from one of `allowed` (registry hosts, optionally with a path prefix:
 * `registry.example.com` or `registry.example.com/platform`). An empty list allows any registry.
 */
export function isAllowedRegistry(image: string, allowed: readonly string[]): boolean {
    if (allowed.length === 0) {
        return true;
    }
    const full = qualifiedImage(image);
    return allowed.some((entry) => {
        const prefix = entry.replace(/\/+$/, "");
        return full.startsWith(`${prefix}/`);
    });
}
