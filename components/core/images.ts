/** Image references and the registry mirror rewrite. */

/**
 * Splits an image reference into registry and the rest, the way the container runtime does:
 * the first path segment is a registry host only if it contains `.` or `:` or is `localhost`.
 */
export function splitImage(image: string): { registry: string; path: string } {
    const slash = image.indexOf("/");
    if (slash > 0) {
        const first = image.slice(0, slash);
        if (first.includes(".") || first.includes(":") || first === "localhost") {
            return { registry: first, path: image.slice(slash + 1) };
        }
    }
    const path = image.includes("/") ? image : `library/${image}`;
    return { registry: "docker.io", path };
}

/**
 * Rewrites an image to pull from `mirror` (a registry host, optionally with a path prefix), keeping
 * the source registry in the path so images of different registries never collide:
 * `mirror(docker.io/library/nginx:1.27, "registry.local:5000")` → `registry.local:5000/docker.io/library/nginx:1.27`.
 * Returns the image unchanged when no mirror is set or it already points at the mirror.
 */
export function mirrorImage(image: string, mirror?: string): string {
    if (!mirror) {
        return image;
    }
    const m = mirror.replace(/\/+$/, "");
    if (image.startsWith(`${m}/`)) {
        return image;
    }
    const { registry, path } = splitImage(image);
    return `${m}/${registry}/${path}`;
}

/** True when the reference is pinned: a digest, or a tag other than `latest`. */
export function isPinned(image: string): boolean {
    if (image.includes("@sha256:")) {
        return true;
    }
    const lastSlash = image.lastIndexOf("/");
    const tail = image.slice(lastSlash + 1);
    const colon = tail.lastIndexOf(":");
    if (colon < 0) {
        return false;
    }
    return tail.slice(colon + 1) !== "latest";
}
