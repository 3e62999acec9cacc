/** An image's root filesystem, assembled from Go binaries and the files of Debian packages. */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import type { LocalImage } from "./images";

// --- Root filesystem ---

/**
 * What packages ship that an image does not need; each package's copyright file is kept. gconv is
 * glibc's iconv modules (8 MB): only iconv(3) callers load them, and none of these images' programs is one.
 */
export const PRUNED_PATHS = [
    "usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/initramfs-tools", "usr/share/bug",
    "usr/lib/x86_64-linux-gnu/gconv",
];

function run(cmd: string, args: string[]): string {
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout || "").trim()}`);
    }
    return r.stdout;
}

/** Removes docs but the copyright files, and the paths in PRUNED_PATHS. */
function pruneRoot(root: string): void {
    for (const p of PRUNED_PATHS) {
        fs.rmSync(path.join(root, p), { recursive: true, force: true });
    }
    const docs = path.join(root, "usr/share/doc");
    if (fs.existsSync(docs)) {
        for (const pkg of fs.readdirSync(docs)) {
            const dir = path.join(docs, pkg);
            for (const f of fs.readdirSync(dir)) {
                if (f !== "copyright") {
                    fs.rmSync(path.join(dir, f), { recursive: true, force: true });
                }
            }
        }
    }
}

/** Links each busybox applet under usr/bin or usr/sbin, unless a package already ships that command. */
function linkBusyboxApplets(root: string): void {
    const busybox = path.join(root, "usr/bin/busybox");
    for (const applet of run(busybox, ["--list-full"]).split("\n").filter(Boolean)) {
        const dir = /(^|\/)sbin\//.test(applet) ? "usr/sbin" : "usr/bin";
        const link = path.join(root, dir, path.basename(applet));
        if (!fs.existsSync(link) && !isSymlink(link)) {
            fs.mkdirSync(path.dirname(link), { recursive: true });
            fs.symlinkSync("/usr/bin/busybox", link);
        }
    }
}

function isSymlink(p: string): boolean {
    try {
        return fs.lstatSync(p).isSymbolicLink();
    } catch {
        return false;
    }
}

/** The PEM bundle update-ca-certificates writes: every certificate the package ships, in name order. */
function caBundle(debFile: string, scratch: string): string {
    fs.mkdirSync(scratch, { recursive: true });
    run("dpkg-deb", ["-x", debFile, scratch]);
    const certs: string[] = [];
    const walk = (dir: string) => {
        for (const f of fs.readdirSync(dir).sort()) {
            const p = path.join(dir, f);
            if (fs.statSync(p).isDirectory()) {
                walk(p);
            } else if (f.endsWith(".crt")) {
                certs.push(fs.readFileSync(p, "utf8").trimEnd() + "\n");
            }
        }
    };
    walk(path.join(scratch, "usr/share/ca-certificates"));
    if (certs.length === 0) {
        throw new Error(`${path.basename(debFile)} ships no certificates under /usr/share/ca-certificates`);
    }
    return certs.join("");
}

/** Builds an image's root folder: merged-/usr links, packages, busybox applets, then the entries (`binaries`: the built program of each binary entry, by its path in the image). */
export function assembleRoot(image: LocalImage, root: string, debFiles: Map<string, string>, binaries: Map<string, string>): void {
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    const closure = image.debPackages ?? [];
    if (closure.length > 0) {
        // trixie's packages ship their files under /usr only; the bootstrapper makes these links.
        fs.mkdirSync(path.join(root, "usr"), { mode: 0o755 });
        for (const d of ["bin", "sbin", "lib", "lib64"]) {
            fs.mkdirSync(path.join(root, "usr", d), { mode: 0o755 });
            fs.symlinkSync(`usr/${d}`, path.join(root, d));
        }
        for (const [name, file] of debFiles) {
            if (!image.entries.some((e) => e.kind === "ca-bundle" && e.debPackage === name)) {
                run("dpkg-deb", ["-x", file, root]);
            }
        }
        pruneRoot(root);
    }
    if (image.busyboxApplets) {
        linkBusyboxApplets(root);
    }
    for (const e of image.entries) {
        const dest = path.join(root, e.path);
        fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
        switch (e.kind) {
            case "binary":
                fs.copyFileSync(binaries.get(e.path) as string, dest);
                fs.chmodSync(dest, 0o755);
                if (e.capabilities) {
                    run("setcap", [e.capabilities, dest]);
                }
                break;
            case "file":
                fs.writeFileSync(dest, e.content);
                fs.chmodSync(dest, e.mode);
                break;
            case "dir":
                fs.mkdirSync(dest, { recursive: true });
                fs.chmodSync(dest, e.mode);
                fs.chownSync(dest, e.uid ?? 0, e.gid ?? 0);
                break;
            case "symlink":
                fs.rmSync(dest, { force: true });
                fs.symlinkSync(e.target, dest);
                break;
            case "ca-bundle":
                fs.writeFileSync(dest, caBundle(debFiles.get(e.debPackage) as string, `${root}.ca`));
                fs.chmodSync(dest, 0o644);
                fs.rmSync(`${root}.ca`, { recursive: true, force: true });
                break;
        }
    }
}
