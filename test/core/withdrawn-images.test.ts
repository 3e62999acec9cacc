import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as versions from "../../components/versions";

/**
 * Image repositories that no longer serve the versioned tags the platform pins. Bitnami deleted its
 * versioned public images from docker.io/bitnami in September 2025 (what is left is `latest` of a
 * few, and bitnamilegacy, which gets no updates), so a pod pinned to one never starts.
 */
const WITHDRAWN = [/^(docker\.io\/)?bitnami\//, /^(docker\.io\/)?bitnamilegacy\//];

/**
 * Known uses still to be replaced, each with the component that owns it: a new entry here is a
 * decision, and fixing one means deleting its line.
 */
const KNOWN: string[] = []; // pins still on a withdrawn repository, each with the reason (none today)

/** Every exported image reference of components/versions.ts, by constant name. */
function imageConstants(): [string, string][] {
    return (Object.entries(versions) as [string, unknown][]).filter((e): e is [string, string] => typeof e[1] === "string" && e[0].endsWith("_IMAGE"));
}

describe("versions.ts images", () => {
    it("lists the platform's images (the scan below sees them)", () => {
        const names = imageConstants().map(([n]) => n);
        assert.ok(names.includes("ETCD_IMAGE") && names.includes("BUSYBOX_IMAGE"), names.join(", "));
    });

    it("pins no image from a withdrawn repository (bitnami), beyond the known ones", () => {
        const withdrawn = imageConstants().filter(([, ref]) => WITHDRAWN.some((re) => re.test(ref))).map(([n, ref]) => `${n} = ${ref}`);
        assert.deepEqual(withdrawn.filter((w) => !KNOWN.some((k) => w.startsWith(`${k} =`))), []);
    });

    it("still needs each known exception (delete its line once it is fixed)", () => {
        for (const name of KNOWN) {
            const ref = (versions as Record<string, unknown>)[name];
            assert.ok(typeof ref === "string" && WITHDRAWN.some((re) => re.test(ref)), `${name} no longer comes from a withdrawn repository: remove it from KNOWN`);
        }
    });

    it("runs etcd's Jobs from no withdrawn repository", () => {
        const etcd = imageConstants().filter(([n]) => n.startsWith("ETCD_"));
        assert.deepEqual(etcd.map(([n, ref]) => [n, ref]), [["ETCD_IMAGE", "quay.io/coreos/etcd:v3.6.16"]]);
    });
});
