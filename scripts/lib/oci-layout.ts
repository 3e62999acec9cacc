/** One-layer OCI image layouts of the local cluster's images, written in the tool cache. */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { spawn } from "child_process";
import { Transform } from "stream";
import { pipeline } from "stream/promises";
import { CACHE } from "./paths";
import type { LocalImage } from "./images";

/** Splits `host/path/name:tag` into repository and tag (references here always carry a tag). */
export function splitRef(ref: string): { repository: string; tag: string } {
    const m = /^([^@\s]+\/[^:@\s]+):([\w][\w.-]{0,127})$/.exec(ref);
    if (!m) {
        throw new Error(`image reference "${ref}" must be host/repository:tag`);
    }
    return { repository: m[1], tag: m[2] };
}

// --- OCI image layout ---

/** The media types written. */
export const MEDIA = {
    index: "application/vnd.oci.image.index.v1+json",
    manifest: "application/vnd.oci.image.manifest.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};

/** A content descriptor. */
export interface Descriptor {
    mediaType: string;
    digest: string;
    size: number;
}

/** The OCI image config of a one-layer linux/amd64 image. */
export function renderOciConfig(image: LocalImage, diffId: string): string {
    return JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: image.config,
        rootfs: { type: "layers", diff_ids: [diffId] },
        history: [{ created_by: `containercloud scripts/lib/images.ts: ${image.description}` }],
    });
}

/** The OCI manifest of a one-layer image. */
export function renderOciManifest(config: Descriptor, layer: Descriptor): string {
    return JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config, layers: [layer] });
}

/** index.json naming the image as containerd's `ctr images import` and crane read it. */
export function renderOciIndex(ref: string, manifest: Descriptor): string {
    return JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.index,
        manifests: [{
            ...manifest,
            annotations: { "io.containerd.image.name": ref, "org.opencontainers.image.ref.name": splitRef(ref).tag },
            platform: { architecture: "amd64", os: "linux" },
        }],
    });
}

function sha256Stream(onDone: (hex: string, size: number) => void): Transform {
    const h = crypto.createHash("sha256");
    let size = 0;
    return new Transform({
        transform(chunk: Buffer, _enc, cb) {
            h.update(chunk);
            size += chunk.length;
            cb(null, chunk);
        },
        flush(cb) {
            onDone(h.digest("hex"), size);
            cb();
        },
    });
}

function writeBlob(layout: string, content: string, mediaType: string): Descriptor {
    const hex = crypto.createHash("sha256").update(content).digest("hex");
    fs.writeFileSync(path.join(layout, "blobs", "sha256", hex), content);
    return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
}

/**
 * Tars the root into one gzip layer (sorted, mtimes 0, numeric owners, file capabilities kept as
 * PAX xattr records) and writes the layout; returns the manifest's descriptor.
 */
export async function writeLayout(image: LocalImage, root: string, layout: string): Promise<Descriptor> {
    fs.mkdirSync(path.join(layout, "blobs", "sha256"), { recursive: true });
    const entries = fs.readdirSync(root).sort();
    const tar = spawn("tar", [
        "--create", "--file=-", `--directory=${root}`, "--sort=name", "--numeric-owner", "--mtime=@0",
        "--format=posix", "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
        "--xattrs", "--xattrs-include=security.capability", "--", ...entries,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    tar.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => tar.on("close", resolve));
    let diffId = "";
    let layer: Descriptor = { mediaType: MEDIA.layer, digest: "", size: 0 };
    const tmp = path.join(layout, "blobs", "layer.tmp");
    await pipeline(
        tar.stdout,
        sha256Stream((hex) => (diffId = `sha256:${hex}`)),
        zlib.createGzip({ level: 9 }),
        sha256Stream((hex, size) => (layer = { mediaType: MEDIA.layer, digest: `sha256:${hex}`, size })),
        fs.createWriteStream(tmp),
    );
    const code = await exited;
    if (code !== 0) {
        throw new Error(`tar of ${image.ref} failed (exit ${code}): ${stderr.trim()}`);
    }
    fs.renameSync(tmp, path.join(layout, "blobs", "sha256", layer.digest.slice("sha256:".length)));
    const config = writeBlob(layout, renderOciConfig(image, diffId), MEDIA.config);
    const manifest = writeBlob(layout, renderOciManifest(config, layer), MEDIA.manifest);
    fs.writeFileSync(path.join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    fs.writeFileSync(path.join(layout, "index.json"), renderOciIndex(image.ref, manifest));
    return manifest;
}

/** A built image: its layout folder, manifest digest and compressed size. */
export interface BuiltImage {
    /** OCI image layout folder in the cache. */
    layout: string;
    /** Manifest digest (`sha256:...`). */
    digest: string;
    /** Bytes of config and layer, as pulled. */
    size: number;
}

/** Folder of an image's cached layouts. */
export function imageCacheDir(ref: string): string {
    return path.join(CACHE, "images", ref.replace(/[/:@]/g, "_"));
}

export function readBuilt(layout: string): BuiltImage | undefined {
    const indexFile = path.join(layout, "index.json");
    if (!fs.existsSync(indexFile)) {
        return undefined;
    }
    const desc = JSON.parse(fs.readFileSync(indexFile, "utf8")).manifests[0] as Descriptor;
    const manifest = JSON.parse(fs.readFileSync(path.join(layout, "blobs", "sha256", desc.digest.slice(7)), "utf8"));
    const size = [manifest.config, ...manifest.layers].reduce((n: number, d: Descriptor) => n + d.size, 0);
    return { layout, digest: desc.digest, size };
}
