/** Pure password helpers behind `RandomSecret`; no Pulumi imports so the dynamic provider serializes small. */

/** Character sets a generated password may draw from. */
export type Charset = "alphanumeric" | "hex" | "urlsafe";

/** The characters of each charset. `urlsafe` adds `-` and `_`, safe in URLs, YAML and shell words. */
export const CHARSETS: Readonly<Record<Charset, string>> = {
    alphanumeric: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    hex: "0123456789abcdef",
    urlsafe: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
};

/** Returns why a length/charset pair is unusable, or undefined. */
export function validatePasswordOptions(length: number, charset: string): string | undefined {
    if (!Number.isInteger(length) || length < 8 || length > 256) {
        return `length must be an integer from 8 to 256 (got ${length})`;
    }
    if (!(charset in CHARSETS)) {
        return `charset must be one of ${Object.keys(CHARSETS).join(", ")} (got "${charset}")`;
    }
    return undefined;
}

/**
 * Generates a password of `length` characters from `charset` with the OS CSPRNG. Uses rejection
 * sampling so every character is equally likely (no modulo bias).
 */
export function generatePassword(length: number, charset: Charset): string {
    // required here (not imported) so the dynamic provider's serialized closure loads it itself
    const crypto = require("crypto") as typeof import("crypto");
    const alphabet = CHARSETS[charset];
    const limit = 256 - (256 % alphabet.length);
    let out = "";
    while (out.length < length) {
        for (const b of crypto.randomBytes(length * 2)) {
            if (b < limit && out.length < length) {
                out += alphabet[b % alphabet.length];
            }
        }
    }
    return out;
}
