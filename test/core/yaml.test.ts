import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { YamlData, toYaml } from "../../components/core/yaml";

/** Reads YAML as both versions do: 1.2 (the yaml package's default) and 1.1 (Go's yaml.v2). */
function assertRoundTrip(data: YamlData): void {
    const text = toYaml(data);
    assert.deepEqual(parse(text), data, `YAML 1.2 reads back something else:\n${text}`);
    assert.deepEqual(parse(text, { version: "1.1" }), data, `YAML 1.1 reads back something else:\n${text}`);
}

/** A deterministic generator (mulberry32), so a failure can be reproduced from its seed. */
function random(seed: number): () => number {
    let a = seed;
    return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

describe("toYaml", () => {
    it("writes block style with quoted strings, and reads back the same in YAML 1.1 and 1.2", () => {
        const data = {
            auth_enabled: false,
            server: { http_listen_port: 3100, path: "/var/loki", ratio: 0.5 },
            receivers: [{ name: "default" }, { name: "team", routes: [] }],
            empty: {},
            none: null,
        };
        assert.equal(toYaml(data), [
            "\"auth_enabled\": false",
            "\"server\":",
            "  \"http_listen_port\": 3100",
            "  \"path\": \"/var/loki\"",
            "  \"ratio\": 0.5",
            "\"receivers\":",
            "  - \"name\": \"default\"",
            "  - \"name\": \"team\"",
            "    \"routes\": []",
            "\"empty\": {}",
            "\"none\": null",
            "",
        ].join("\n"));
        assertRoundTrip(data);
    });

    it("keeps every string a string that YAML 1.1 or 1.2 would read as something else", () => {
        const tricky = [
            "yes", "No", "ON", "off", "y", "N", "true", "False", "null", "~", "", " ", "-", "- x", "? x", ": x",
            "1", "0x1F", "0o17", "1_000", "1:30", "1e3", ".5", ".inf", "-.inf", ".NaN", "2024-01-01", "72h", "0.0.0.0:4317",
            "${BUCKET_HOST}:${BUCKET_PORT}", "{{ $labels.job }} is down", "up == 0", "a: b", "a #b", "#c", "&anchor", "*alias", "!tag",
            "|", ">", "%", "@", "`", "'single'", "\"double\"", "[x]", "{x}", "a,b", "line\none", "tab\there", "trailing ", " leading",
            "nel\u0085x", "ls\u2028x", "ps\u2029x", "bell\u0007", "émoji 🚀", "=", "X-Content-Type-Options", "/metrics", "__name__",
        ];
        for (const s of tricky) {
            assertRoundTrip({ [s]: s, list: [s] });
        }
        // As a value only: the yaml package's 1.1 reader takes a `<<` key, even quoted, for a merge key.
        assertRoundTrip({ key: "<<" });
    });

    it("reads back random strings and shapes alike in both versions", () => {
        const next = random(20261202);
        const alphabet = "aZ_/.-09 :#'\"{}[],&*!|>%@`?~\\\n\t\u0085\u2028é🚀=<";
        const str = () => Array.from({ length: Math.floor(next() * 8) }, () => [...alphabet][Math.floor(next() * [...alphabet].length)]).join("");
        const value = (depth: number): YamlData => {
            const r = next();
            if (depth > 2 || r < 0.4) {
                return r < 0.1 ? Math.floor(next() * 1e6) - 5e5 : r < 0.15 ? next() < 0.5 : r < 0.18 ? null : str();
            }
            if (r < 0.7) {
                return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
            }
            return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [str(), value(depth + 1)]).filter(([k]) => k !== "<<"));
        };
        for (let i = 0; i < 500; i++) {
            assertRoundTrip({ root: value(0) });
        }
    });

    it("writes numbers that read back as the same number in both versions", () => {
        assertRoundTrip({ numbers: [0, -1, 3100, 0.5, -2.25, 1e21, 1.5e300, 1e-7, -3e-10, Number.MAX_SAFE_INTEGER] });
    });

    it("leaves out undefined keys and writes undefined list items as null, as JSON does", () => {
        const data = { a: undefined, b: [1, undefined, 3] } as unknown as YamlData;
        assert.deepEqual(parse(toYaml(data)), JSON.parse(JSON.stringify(data)));
    });
});
