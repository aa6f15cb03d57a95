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

interface Person {
  pid: string;
  startTs: number;
  /** Seconds from the first start to the first completion at or after it; null when not completed. */
  seconds: number | null;
  churned: boolean;
}

/** One compact row per person who started: first start, first completion after it, churned after it. */
async function onboardingPeople(def: OnboardingDefinition, ctx: QueryContext): Promise<Person[]> {
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
  const rows = await ctx.reader.query<{ pid: string; started: number; done_ts: number | null; churned: number }>(
    // (ClickHouse resolves aliases everywhere in the SELECT, so the output names differ from the columns read.)
    r.query(`SELECT pid, min(start_ts) AS started, min(CASE WHEN is_done = 1 AND ts >= start_ts THEN ts END) AS done_ts,
      max(CASE WHEN is_churn = 1 AND ts >= start_ts THEN 1 ELSE 0 END) AS churned
      FROM ${d.innerJoinOnPid(flagged, starts, 'start_ts')} GROUP BY pid`),
    p.values,
  );
  return rows.map((r) => ({
    pid: r.pid,
    startTs: Number(r.started),
    seconds: r.done_ts === null ? null : (Number(r.done_ts) - Number(r.started)) / 1000,
    churned: Number(r.churned) === 1,
  }));
}

function churnOf(people: Person[]) {
  const churned = people.filter((x) => x.churned).length;
  return { people: people.length, churned, churnRate: ratio(churned, people.length) };
}

function thresholdOf(people: Person[], slowFactor: number) {
  const medianSeconds = median(people.flatMap((x) => (x.seconds === null ? [] : [x.seconds])));
  return { medianSeconds, slowThresholdSeconds: medianSeconds === null ? null : medianSeconds * slowFactor };
}

async function runOnboarding(def: OnboardingDefinition, ctx: QueryContext) {
  const people = await onboardingPeople(def, ctx);
  const completed = people.filter((x) => x.seconds !== null);
  const { medianSeconds, slowThresholdSeconds } = thresholdOf(people, def.slowFactor);
  const isSlow = (x: Person) => slowThresholdSeconds !== null && x.seconds! >= slowThresholdSeconds;
  return {
    people: people.length,
    completed: completed.length,
    medianSeconds,
    slowThresholdSeconds,
    slow: churnOf(completed.filter(isSlow)),
    rest: churnOf(completed.filter((x) => !isSlow(x))),
    notCompleted: churnOf(people.filter((x) => x.seconds === null)),
  };
}

/**
 * Per-person traits for profiles: `onboardingSeconds` (null while not completed) and `slowOnboarding` — a
 * completed setup at or above the slow threshold, or one still open that has already lasted that long by the
 * end of the query (`to`, or now): the people a nudge should reach.
 */
export async function computeOnboardingTraits(ctx: QueryContext, definition: z.input<typeof onboardingSchema>) {
  const def = onboardingSchema.parse(definition);
  const people = await onboardingPeople(def, ctx);
  const { slowThresholdSeconds } = thresholdOf(people, def.slowFactor);
  const end = timeRange(def).to ?? ctx.clock.now();
  return people.map((x) => {
    const elapsed = x.seconds ?? (end - x.startTs) / 1000;
    return { personId: x.pid, traits: { onboardingSeconds: x.seconds, slowOnboarding: slowThresholdSeconds !== null && elapsed >= slowThresholdSeconds } };
  });
}

export const onboarding = defineKind({
  name: 'onboarding',
  summary: 'Setup duration from a start to a completion event, the slow tail (≥ a factor of the median) and its churn',
  schema: onboardingSchema,
  run: runOnboarding,
});
