import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CHARSETS, generatePassword, validatePasswordOptions } from "../../components/secrets/password";

describe("generatePassword", () => {
    it("returns exactly the requested length", () => {
        assert.equal(generatePassword(40, "alphanumeric").length, 40);
    });

    it("draws only from the charset", () => {
        const p = generatePassword(200, "hex");
        assert.match(p, /^[0-9a-f]{200}$/);
    });

    it("uses every character of a small charset over many draws", () => {
        const seen = new Set(generatePassword(256, "hex"));
        assert.equal(seen.size, CHARSETS.hex.length);
    });

    it("returns a different value each call", () => {
        assert.notEqual(generatePassword(32, "urlsafe"), generatePassword(32, "urlsafe"));
    });
});

describe("validatePasswordOptions", () => {
    it("rejects lengths below 8, naming the field", () => {
        assert.equal(validatePasswordOptions(4, "hex"), "length must be an integer from 8 to 256 (got 4)");
    });

    it("rejects an unknown charset", () => {
        assert.match(validatePasswordOptions(16, "emoji") ?? "", /^charset must be one of alphanumeric, hex, urlsafe/);
    });

    it("accepts a valid pair", () => {
        assert.equal(validatePasswordOptions(16, "alphanumeric"), undefined);
    });
});
