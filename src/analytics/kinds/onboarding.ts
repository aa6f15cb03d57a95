import { z } from 'zod';
import { commonFields, eventMatchSchema, timeRange } from '../definition.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { Relations } from '../sql/relations.js';
import { defineKind, median, ratio, type QueryContext } from './kind.js';

export const onboardingSchema = z.strictObject({
  start: eventMatchSchema.default({ event: 'Onboarding Started' }).describe("The event that starts a person's setup (their first one counts)"),
  completion: eventMatchSchema.default({ event: 'Onboarding Completed' }).describe('The event that ends it (the first at or after the start)'),
  slowFactor: z.number().min(1).max(1000).default(2).describe('Slow: setup took at least this many times the median'),
  churnEvent: eventMatchSchema.default({ event: 'Subscription Cancelled' }).describe('Churned: did this at or after their start'),
  ...commonFields,
});
export type OnboardingDefinition = z.output<typeof onboardingSchema>;

interface OnboardingRow {
  pid: string;
  started: number;
  done_ts: number | null;
  churned: number;
}

/** Seconds from the first start to the first completion at or after it; NaN when not completed. */
const secondsOf = (row: OnboardingRow): number => (row.done_ts === null ? Number.NaN : (Number(row.done_ts) - Number(row.started)) / 1000);

/**
 * One compact row per person who started (first start, first completion after it, churned after it), streamed:
 * held as objects, half a million people were ~160 MB of the server's heap (bench:analytics).
 */
async function forEachOnboardingRow(def: OnboardingDefinition, ctx: QueryContext, onRow: (row: OnboardingRow) => void): Promise<void> {
  const d = ctx.dialect;
  const p = new Params();
  const r = new Relations(d);
  const matches = [def.start, def.completion, def.churnEvent];
  // Only the three events matter: the scan skips the rest before the alias join.
  const events = scopedEvents(d, p, timeRange(def), def.where, matches.map((m) => m.event));
  const [start, done, churn] = matches.map((m) => eventCondition(m, d, p)) as [string, string, string];
  const flag = (cond: string) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;
  // One scan: only the three events matter, flagged (one event may be several of them).
  const flagged = r.add('flagged', `SELECT pid, ts, ${flag(start)} AS is_start, ${flag(done)} AS is_done, ${flag(churn)} AS is_churn
    FROM ${events} WHERE ${start} OR ${done} OR ${churn}`);
  const starts = r.add('starts', `SELECT pid, min(ts) AS start_ts FROM ${flagged} WHERE is_start = 1 GROUP BY pid`);
  await ctx.reader.forEachRow<OnboardingRow>(
    // (ClickHouse resolves aliases everywhere in the SELECT, so the output names differ from the columns read.)
    r.query(`SELECT pid, min(start_ts) AS started, min(CASE WHEN is_done = 1 AND ts >= start_ts THEN ts END) AS done_ts,
      max(CASE WHEN is_churn = 1 AND ts >= start_ts THEN 1 ELSE 0 END) AS churned
      FROM ${d.innerJoinOnPid(flagged, starts, 'start_ts')} GROUP BY pid`),
    p.values,
    onRow,
  );
}

const slowThreshold = (medianSeconds: number | null, slowFactor: number) => (medianSeconds === null ? null : medianSeconds * slowFactor);

class ChurnTally {
  people = 0;
  churned = 0;
  add(churned: boolean): void {
    this.people++;
    if (churned) this.churned++;
  }
  summary() {
    return { people: this.people, churned: this.churned, churnRate: ratio(this.churned, this.people) };
  }
}

async function runOnboarding(def: OnboardingDefinition, ctx: QueryContext) {
  // Two plain columns (8 + 1 bytes a person) rather than an object each: the slow threshold needs every duration first.
  const seconds: number[] = [];
  const churned: boolean[] = [];
  await forEachOnboardingRow(def, ctx, (row) => {
    seconds.push(secondsOf(row));
    churned.push(Number(row.churned) === 1);
  });
  const completed = seconds.filter((x) => !Number.isNaN(x));
  const medianSeconds = median(completed);
  const slowThresholdSeconds = slowThreshold(medianSeconds, def.slowFactor);
  const slow = new ChurnTally();
  const rest = new ChurnTally();
  const notCompleted = new ChurnTally();
  seconds.forEach((x, i) => {
    const tally = Number.isNaN(x) ? notCompleted : slowThresholdSeconds !== null && x >= slowThresholdSeconds ? slow : rest;
    tally.add(churned[i]!);
  });
  return {
    people: seconds.length,
    completed: completed.length,
    medianSeconds,
    slowThresholdSeconds,
    slow: slow.summary(),
    rest: rest.summary(),
    notCompleted: notCompleted.summary(),
  };
}

/**
 * Per-person traits for profiles: `onboardingSeconds` (null while not completed) and `slowOnboarding` — a
 * completed setup at or above the slow threshold, or one still open that has already lasted that long by the
 * end of the query (`to`, or now): the people a nudge should reach.
 */
export async function computeOnboardingTraits(ctx: QueryContext, definition: z.input<typeof onboardingSchema>) {
  const def = onboardingSchema.parse(definition);
  const people: { pid: string; startTs: number; seconds: number }[] = [];
  await forEachOnboardingRow(def, ctx, (row) => people.push({ pid: row.pid, startTs: Number(row.started), seconds: secondsOf(row) }));
  const slowThresholdSeconds = slowThreshold(median(people.flatMap((x) => (Number.isNaN(x.seconds) ? [] : [x.seconds]))), def.slowFactor);
  const end = timeRange(def).to ?? ctx.clock.now();
  return people.map((x) => {
    const completed = !Number.isNaN(x.seconds);
    const elapsed = completed ? x.seconds : (end - x.startTs) / 1000;
    return { personId: x.pid, traits: { onboardingSeconds: completed ? x.seconds : null, slowOnboarding: slowThresholdSeconds !== null && elapsed >= slowThresholdSeconds } };
  });
}

export const onboarding = defineKind({
  name: 'onboarding',
  summary: 'Setup duration from a start to a completion event, the slow tail (≥ a factor of the median) and its churn',
  schema: onboardingSchema,
  run: runOnboarding,
});
