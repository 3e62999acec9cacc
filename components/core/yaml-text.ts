/**
 * YAML text of the configuration files the components render (Loki, Prometheus and its rules,
 * Alertmanager, Grafana provisioning, the OpenTelemetry collector, the registry): plain data in
 * block style, two spaces per level, keys in insertion order.
 *
 * Written here instead of with the `yaml` package, which the program would otherwise load for this
 * alone (≈70 modules, and cold code on first use: ≈50 ms CPU of every prod preview together with the
 * manifest parse, bench/README.md). It needs to do little: the input is data the components build.
 * Strings are written plain only when they can read as nothing but themselves, in YAML 1.1 (Go's
 * yaml.v2, which Prometheus, Alertmanager and the registry use) as in 1.2: a letter, `_` or `/`
 * first, then letters, digits, `_`, `.`, `/` or `-`, and not a 1.1 boolean or null word. Every other
 * string is double-quoted with JSON's escapes, which are YAML escapes too.
 */

/** What `toYaml` writes: JSON-like data. */
export type YamlData = string | number | boolean | null | YamlData[] | { [key: string]: YamlData | undefined };

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
/** Words YAML 1.1 reads as a boolean or null when plain (1.2 keeps only true/false/null, any case). */
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;
/** Line breaks to YAML 1.1 besides \n and \r, which JSON leaves unescaped. */
const OTHER_BREAKS = /[\u0085\u2028\u2029]/g;

function text(s: string): string {
    if (PLAIN.test(s) && !RESERVED.test(s)) {
        return s;
    }
    return JSON.stringify(s).replace(OTHER_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isMapping(v: unknown): v is Record<string, unknown> {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
        return false;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    return proto === Object.prototype || proto === null;
}

/** A value that fits on the line of its key or dash, or undefined for a non-empty mapping or list. */
function inline(v: unknown, at: string): string | undefined {
    if (v === null) {
        return "null";
    }
    switch (typeof v) {
        case "string":
            return text(v);
        case "boolean":
            return String(v);
        case "number":
            if (!Number.isFinite(v)) {
                throw new Error(`toYaml: ${at} is ${v}; only finite numbers have a YAML form here`);
            }
            // The YAML 1.1 float form needs a dot before an exponent: 1e+21 is a string to parsers that
            // follow it strictly (PyYAML), 1.0e+21 a float to every parser.
            return String(v).replace(/^(-?\d+)e/, "$1.0e");
    }
    if (Array.isArray(v)) {
        return v.length === 0 ? "[]" : undefined;
    }
    if (isMapping(v)) {
        return Object.values(v).every((x) => x === undefined) ? "{}" : undefined;
    }
    throw new Error(`toYaml: ${at} is not plain data (${Object.prototype.toString.call(v)}); render config from known values, not Outputs`);
}

function block(v: unknown, indent: string, at: string, out: string[]): void {
    if (Array.isArray(v)) {
        v.forEach((item, i) => {
            const here = `${at}[${i}]`;
            // An undefined item is null, as in JSON.
            const one = inline(item === undefined ? null : item, here);
            if (one !== undefined) {
                out.push(`${indent}- ${one}`);
                return;
            }
            const start = out.length;
            block(item, `${indent}  `, here, out);
            // The first line of a nested mapping or list goes on the dash's line.
            out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
        });
        return;
    }
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
        if (value === undefined) {
            continue;
        }
        const here = `${at}.${key}`;
        const one = inline(value, here);
        if (one !== undefined) {
            out.push(`${indent}${text(key)}: ${one}`);
            continue;
        }
        out.push(`${indent}${text(key)}:`);
        block(value, `${indent}  `, here, out);
    }
}

/**
 * The YAML text of `data` (a mapping or a list at the top), ending with a newline. Keys whose
 * value is undefined are left out and undefined list items are null, as in JSON; anything that is
 * not plain data (an Output, a class instance, a function, a non-finite number) throws, naming where.
 */
export function toYaml(data: YamlData): string {
    const one = inline(data, "(root)");
    if (one !== undefined) {
        return `${one}\n`;
    }
    const out: string[] = [];
    block(data, "", "(root)", out);
    return `${out.join("\n")}\n`;
}
