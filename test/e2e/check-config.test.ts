/**
 * check-config as a user runs it: every committed stack file passes, and a file in which any one
 * leaf value has the wrong type fails with its key path and no stack trace.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT, hasStackTrace, runScript } from "./cli";
import { formatIssue, parsePlatformConfig } from "../../stacks/config";

const STACK_FILES = ["local", "dev", "staging", "prod"].map((e) => path.join(ROOT, "stacks", `Pulumi.${e}.yaml`));

/** Every leaf of a YAML value: its path and value. */
function leaves(v: unknown, p: (string | number)[] = []): { path: (string | number)[]; value: unknown }[] {
    if (Array.isArray(v)) {
        return v.flatMap((x, i) => leaves(x, [...p, i]));
    }
    if (v !== null && typeof v === "object") {
        return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => leaves(x, [...p, k]));
    }
    return [{ path: p, value: v }];
}

/** A value of another type than `v`. */
function otherType(v: unknown): unknown {
    if (typeof v === "number") {
        return "not-a-number";
    }
    if (typeof v === "boolean") {
        return "not-a-boolean";
    }
    if (typeof v === "string") {
        return 12345;
    }
    return ["unexpected"];
}

function setAt(root: any, p: (string | number)[], value: unknown): void {
    let cur = root;
    for (const k of p.slice(0, -1)) {
        cur = cur[k];
    }
    cur[p[p.length - 1]] = value;
}

function userPath(p: (string | number)[]): string {
    const [head, ...rest] = p;
    return `${String(head)}${rest.map((x) => (typeof x === "number" ? `[${x}]` : `.${x}`)).join("")}`;
}

describe("check-config", () => {
    it("accepts every committed stack file", () => {
        const r = runScript("check-config", STACK_FILES);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal((r.stdout.match(/: ok \(/g) ?? []).length, STACK_FILES.length);
    });

    it("rejects any one leaf of the prod file replaced by a value of another type, naming its key path", () => {
        const doc = parse(fs.readFileSync(STACK_FILES[3], "utf8"));
        const all = leaves(doc.config);
        assert.ok(all.length >= 3, "the prod stack file has leaves to mutate");
        for (const leaf of all) {
            const copy = structuredClone(doc.config);
            setAt(copy, leaf.path, otherType(leaf.value));
            const raw = Object.fromEntries(Object.entries(copy).map(([k, v]) => [k.replace(/^containercloud:/, ""), v]));
            const result = parsePlatformConfig(raw);
            assert.equal(result.ok, false, `replacing ${userPath(leaf.path)} was accepted`);
            if (!result.ok) {
                const lines = result.issues.map(formatIssue).join("\n");
                // Replacing a list element with another type may be reported at the list itself.
                const expected = userPath(leaf.path).replace(/\[\d+\]$/, "");
                assert.ok(lines.includes(expected), `no line names ${expected}:\n${lines}`);
            }
        }
    });

    it("exits non-zero with one line per problem and no stack trace for a bad file", () => {
        const doc = parse(fs.readFileSync(STACK_FILES[3], "utf8"));
        const leaf = leaves(doc.config)[0];
        setAt(doc.config, leaf.path, otherType(leaf.value));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-config-"));
        const file = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(file, stringify(doc));
        const r = runScript("check-config", [file]);
        assert.notEqual(r.code, 0);
        assert.ok(r.stdout.includes(userPath(leaf.path).replace(/\[\d+\]$/, "")), r.stdout);
        assert.equal(hasStackTrace(r.stdout + r.stderr), false, r.stdout + r.stderr);
    });

    it("names an unknown key and the keys allowed beside it", () => {
        const result = parsePlatformConfig({ environment: "dev", tenancy: { teamz: {} } });
        assert.equal(result.ok, false);
        if (!result.ok) {
            const line = result.issues.map(formatIssue).find((l) => l.includes("tenancy.teamz"));
            assert.ok(line && /allowed here: .*teams/.test(line), line);
        }
    });

    it("rejects an unknown environment before anything else", () => {
        const result = parsePlatformConfig({ environment: "qa" });
        assert.equal(result.ok, false);
        if (!result.ok) {
            assert.equal(formatIssue(result.issues[0]), 'containercloud:environment: must be one of local, dev, staging, prod (got "qa")');
        }
    });
});
