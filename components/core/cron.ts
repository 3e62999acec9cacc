/**
 * CronJob timing shared by every CronJob the platform renders (etcd backup and defrag, registry
 * garbage collection, apps' cron jobs): how late a missed run may still start.
 *
 * Without `startingDeadlineSeconds`, a CronJob controller that was down (or a control plane that
 * was restored) counts every run it missed since the last one; past 100 it stops scheduling the
 * CronJob altogether. With a deadline, only runs missed within it count, and a late run still
 * starts while it is nearer its own time than the next one.
 */

/** A missed run starts at most this late: a weekly or daily job waits for its next run, not for a busy hour. */
export const MAX_STARTING_DEADLINE_SECONDS = 3600;

/** The CronJob controller looks at CronJobs about every 10 s; a shorter deadline can skip runs. */
const MIN_STARTING_DEADLINE_SECONDS = 30;

/** The macros Kubernetes accepts in place of five fields (`@every` is not one). */
const MACROS: Record<string, string> = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
};

/** The values a minute (0–59) or hour (0–23) field of a cron schedule matches: `*`, `a`, `a-b`, with `/step`, comma lists. */
export function cronFieldValues(field: string, max: number, fieldName: string): number[] {
    const values = new Set<number>();
    const bad = () => new Error(`cron ${fieldName} field "${field}" is not a number, range or step between 0 and ${max}`);
    for (const part of field.split(",")) {
        const m = /^(\*|\?|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
        if (!m) {
            throw bad();
        }
        const wildcard = m[1] === "*" || m[1] === "?";
        const from = wildcard ? 0 : Number(m[2]);
        // `a/step` means `a-max/step`, as in Kubernetes' parser
        const to = wildcard ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
        const step = m[4] !== undefined ? Number(m[4]) : 1;
        if (from > to || to > max || step < 1) {
            throw bad();
        }
        for (let v = from; v <= to; v += step) {
            values.add(v);
        }
    }
    return [...values].sort((a, b) => a - b);
}

/**
 * The shortest time between two runs of a schedule, in seconds, from its minute and hour fields.
 * The day, month and weekday fields only space runs further apart, so a schedule that runs at one
 * time of day is taken as daily (its deadline is the cap either way).
 */
export function shortestRunGapSeconds(schedule: string): number {
    const fields = (MACROS[schedule.trim()] ?? schedule).trim().split(/\s+/);
    if (fields.length !== 5) {
        throw new Error(`cron schedule "${schedule}" must have five fields (minute hour day month weekday) or be a macro such as @daily`);
    }
    const minutes = cronFieldValues(fields[0], 59, "minute");
    const hours = cronFieldValues(fields[1], 23, "hour");
    const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m));
    // the gap from the day's last run to the next day's first counts too
    const gaps = times.map((t, i) => (i + 1 < times.length ? times[i + 1] : times[0] + 24 * 60) - t);
    return Math.min(...gaps) * 60;
}

/**
 * `startingDeadlineSeconds` for a schedule: half the shortest gap between its runs (a run later
 * than that is nearer the next one, which takes its place), at least 30 s and at most an hour.
 */
export function startingDeadlineSeconds(schedule: string): number {
    const half = Math.floor(shortestRunGapSeconds(schedule) / 2);
    return Math.min(MAX_STARTING_DEADLINE_SECONDS, Math.max(MIN_STARTING_DEADLINE_SECONDS, half));
}

/** The schedule fields of a CronJob spec: the schedule and its starting deadline, set together. */
export function cronSchedule(schedule: string): { schedule: string; startingDeadlineSeconds: number } {
    return { schedule, startingDeadlineSeconds: startingDeadlineSeconds(schedule) };
}
