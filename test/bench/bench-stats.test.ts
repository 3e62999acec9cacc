import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkTarget, fmtStat, growthRatio, median, ratio, summarize } from "../../scripts/lib/bench-stats";

describe("median", () => {
    it("takes the middle sample of an odd count, whatever the order", () => {
        assert.equal(median([5, 1, 3]), 3);
    });

    it("averages the two middle samples of an even count", () => {
        assert.equal(median([4, 1, 3, 2]), 2.5);
    });

    it("refuses an empty list", () => {
        assert.throws(() => median([]), /median of no samples/);
    });
});

describe("summarize", () => {
    it("reports median, min and max and keeps the samples in run order", () => {
        assert.deepEqual(summarize([30, 10, 20, 50, 40]), { median: 30, min: 10, max: 50, samples: [30, 10, 20, 50, 40] });
    });

    it("does not reorder the caller's array", () => {
        const xs = [3, 1, 2];
        summarize(xs);
        assert.deepEqual(xs, [3, 1, 2]);
    });
});

describe("growthRatio", () => {
    it("divides the large size's figure by the small size's", () => {
        assert.equal(growthRatio(new Map([[100, 2000], [1000, 19000]]), 100, 1000), 9.5);
    });

    it("accepts a plain record", () => {
        assert.equal(growthRatio({ 10: 100, 100: 1100 }, 10, 100), 11);
    });

    it("is undefined when a size was not measured or the base is zero", () => {
        assert.equal(growthRatio(new Map([[100, 2000]]), 100, 1000), undefined);
        assert.equal(ratio(5, 0), undefined);
    });
});

describe("checkTarget", () => {
    it("passes at the limit for <= and fails at it for <", () => {
        assert.equal(checkTarget("t", 1.15, 1.15, String).pass, true);
        assert.equal(checkTarget("t", 30000, 30000, String, true).pass, false);
    });

    it("reports an unmeasured value as neither pass nor fail", () => {
        const t = checkTarget("t", undefined, 2, String);
        assert.equal(t.pass, undefined);
        assert.equal(t.value, "not measured");
    });
});

describe("fmtStat", () => {
    it("shows the range only when the runs differ", () => {
        assert.equal(fmtStat(summarize([2, 2]), String), "2");
        assert.equal(fmtStat(summarize([1, 2, 3]), String), "2 (1–3)");
    });
});
