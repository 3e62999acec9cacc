/**
 * The components are a library: `npm pack` produces a package from which another Pulumi program
 * (test/fixtures/library-consumer) imports EtcdCluster, Registry and TenantNamespace with their
 * types, type-checks, and builds them.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "library-consumer");
let project = "";

function run(cmd: string, args: string[], cwd: string) {
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? 1, out: `${r.stdout ?? ""}${r.stderr ?? ""}`, stdout: r.stdout ?? "" };
}

describe("the packed library", { timeout: 10 * 60 * 1000 }, () => {
    before(() => {
        const build = run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], ROOT);
        assert.equal(build.code, 0, build.out);
        const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-pack-"));
        const pack = run("npm", ["pack", "--pack-destination", packDir, "--json"], ROOT);
        assert.equal(pack.code, 0, pack.out);
        const tgz = path.join(packDir, JSON.parse(pack.stdout)[0].filename);
        project = fs.mkdtempSync(path.join(os.tmpdir(), "containercloud-consumer-"));
        const pkgDir = path.join(project, "node_modules", "@containercloud", "platform");
        fs.mkdirSync(pkgDir, { recursive: true });
        const untar = run("tar", ["xzf", tgz, "-C", pkgDir, "--strip-components=1"], ROOT);
        assert.equal(untar.code, 0, untar.out);
        // The consumer's other dependencies (the package's own dependencies, typescript, tsx) come
        // from this repository's node_modules, as an npm install of the same versions would give.
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
            if (entry !== "@containercloud" && !entry.startsWith(".")) {
                fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(project, "node_modules", entry));
            }
        }
        for (const f of ["index.ts", "tsconfig.json"]) {
            fs.copyFileSync(path.join(FIXTURE, f), path.join(project, f));
        }
    });

    it("ships compiled JavaScript and type declarations only", () => {
        const pkgDir = path.join(project, "node_modules", "@containercloud", "platform");
        assert.ok(fs.existsSync(path.join(pkgDir, "dist", "components", "index.js")));
        assert.ok(fs.existsSync(path.join(pkgDir, "dist", "components", "index.d.ts")));
        assert.equal(fs.existsSync(path.join(pkgDir, "stacks")), false);
    });

    it("type-checks a program that imports EtcdCluster, Registry and TenantNamespace with their Args types", () => {
        const tsc = run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], project);
        assert.equal(tsc.code, 0, tsc.out);
    });

    it("builds the three components from the package", () => {
        const r = run(process.execPath, ["--import", "tsx", "index.ts"], project);
        assert.equal(r.code, 0, r.out);
        const types = new Set((JSON.parse(r.stdout.trim().split("\n").pop()!) as { type: string }[]).map((x) => x.type));
        for (const t of ["containercloud:etcd:EtcdCluster", "containercloud:registry:Registry", "containercloud:tenancy:TenantNamespace", "kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:ResourceQuota"]) {
            assert.ok(types.has(t), `${t} was not created; created: ${[...types].join(", ")}`);
        }
    });
});
