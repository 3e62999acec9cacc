import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cronFieldValues, cronSchedule, shortestRunGapSeconds, startingDeadlineSeconds } from "../../components/core/cron";
import { cronScheduleString } from "../../components/core/validators";

describe("cronFieldValues", () => {
    it("expands wildcards, steps, ranges and lists", () => {
        assert.deepEqual(cronFieldValues("*/15", 59, "minute"), [0, 15, 30, 45]);
        assert.deepEqual(cronFieldValues("5/20", 59, "minute"), [5, 25, 45]);
        assert.deepEqual(cronFieldValues("1-3,22", 23, "hour"), [1, 2, 3, 22]);
        assert.equal(cronFieldValues("*", 23, "hour").length, 24);
    });

    it("refuses values out of range, naming the field", () => {
        assert.throws(() => cronFieldValues("61", 59, "minute"), /cron minute field "61" is not a number, range or step between 0 and 59/);
        assert.throws(() => cronFieldValues("MON", 23, "hour"), /cron hour field "MON"/);
    });
});

describe("shortestRunGapSeconds", () => {
    it("takes the gap from the minute and hour fields", () => {
        assert.equal(shortestRunGapSeconds("*/5 * * * *"), 300);
        assert.equal(shortestRunGapSeconds("0 */2 * * *"), 7200);
        assert.equal(shortestRunGapSeconds("@hourly"), 3600);
    });

    it("counts the gap over midnight", () => {
        assert.equal(shortestRunGapSeconds("0 0,23 * * *"), 3600);
    });

    it("takes a schedule that runs at one time of day as daily, whatever its day fields", () => {
        assert.equal(shortestRunGapSeconds("30 3 * * 0"), 86400);
        assert.equal(shortestRunGapSeconds("@monthly"), 86400);
    });

    it("refuses a schedule without five fields", () => {
        assert.throws(() => shortestRunGapSeconds("0 3 * *"), /cron schedule "0 3 \* \*" must have five fields/);
    });
});

describe("startingDeadlineSeconds", () => {
    it("is half the gap between runs", () => {
        assert.equal(startingDeadlineSeconds("*/5 * * * *"), 150);
        assert.equal(startingDeadlineSeconds("0,20 * * * *"), 600);
    });

    it("is an hour at most, for daily and weekly jobs", () => {
        assert.equal(startingDeadlineSeconds("0 */2 * * *"), 3600);
        assert.equal(startingDeadlineSeconds("0 3 * * 6"), 3600);
    });

    it("is 30 s at least, so the controller's 10 s loop never skips a run", () => {
        assert.equal(startingDeadlineSeconds("* * * * *"), 30);
    });

    it("comes with its schedule in cronSchedule", () => {
        assert.deepEqual(cronSchedule("17 3 * * *"), { schedule: "17 3 * * *", startingDeadlineSeconds: 3600 });
    });
});

describe("cronScheduleString", () => {
    it("accepts what cronSchedule can time and refuses the rest with the reason", () => {
        assert.equal(cronScheduleString.parse("17 3 * * *"), "17 3 * * *");
        const r = cronScheduleString.safeParse("99 3 * * *");
        assert.equal(r.success, false);
        assert.match(r.error!.issues[0].message, /must be a cron schedule such as "0 3 \* \* \*": cron minute field "99"/);
    });
});
