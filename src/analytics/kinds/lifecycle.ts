import { z } from 'zod';
import { CrumbtrailError } from '../../core/errors.js';
import { commonFields, durationMs, durationSchema, eventMatchSchema, timeRange } from '../definition.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { defineKind, ITEM_SEP, type QueryContext } from './kind.js';
import { activityStatus, repeatAt, stageAt, STAGES, type ActivityCounts, type PersonHistory, type Stage, type StageRules } from './lifecycle-stage.js';
import { periodOf, periodStartIso, periodStartMs } from './retention-periods.js';
import { periodSchema } from './retention.js';

export const lifecycleSchema = z.strictObject({
  acquiredEvents: z.array(eventMatchSchema).min(1).max(10).default([{ event: '$identify' }, { event: 'Signed Up' }])
    .describe('Acquired: the person did one of these (identified, signed up)'),
  orderEvent: eventMatchSchema.default({ event: 'Order Completed' }).describe('Converted: at least one of these'),
  churnEvent: eventMatchSchema.default({ event: 'Subscription Cancelled' }).describe('Churned: did this, and has not ordered since'),
  repeatWithin: durationSchema.default('90d').describe('Retained: an order within this time of the previous one'),
  loyalOrders: z.number().int().min(2).max(1000).default(3).describe('Loyal: at least this many orders …'),
  loyalWithin: durationSchema.default('90d').describe('… the latest within this time of the moment evaluated'),
  dormantAfter: durationSchema.default('30d').describe('Dormant: no event at all for this long'),
  churnedAfter: durationSchema.default('90d').describe('Churned: no event at all for this long'),
  period: periodSchema.default('week'),
  periods: z.number().int().min(1).max(104).default(8).describe('How many periods (ending with the one holding `to`) to report'),
  ...commonFields,
});
export type LifecycleDefinition = z.output<typeof lifecycleSchema>;

function rulesOf(def: LifecycleDefinition): StageRules {
  const rules = {
    repeatWithinMs: durationMs(def.repeatWithin),
    loyalOrders: def.loyalOrders,
    loyalWithinMs: durationMs(def.loyalWithin),
    dormantAfterMs: durationMs(def.dormantAfter),
    churnedAfterMs: durationMs(def.churnedAfter),
  };
  if (rules.churnedAfterMs <= rules.dormantAfterMs) throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', 'churnedAfter must be longer than dormantAfter');
  return rules;
}

interface Window {
  /** "As of": events strictly before this count. */
  end: number;
  /** The first and last reported periods. */
  first: number;
  last: number;
}

/**
 * One compact history per person seen before the end, from one scan: per period (those before the window
 * folded into one) the last event time and the order/churn times, joined per person without ordering (an
 * ordered aggregate costs several times more on DuckDB; JavaScript sorts the few items).
 */
async function forEachHistory(def: LifecycleDefinition, ctx: QueryContext, w: Window, rules: StageRules, onPerson: (h: PersonHistory) => void): Promise<void> {
  const d = ctx.dialect;
  const p = new Params();
  const events = scopedEvents(d, p, { from: timeRange(def).from, to: w.end }, def.where);
  const acquired = def.acquiredEvents.map((m) => eventCondition(m, d, p)).join(' OR ');
  const order = eventCondition(def.orderEvent, d, p);
  const churn = eventCondition(def.churnEvent, d, p);
  const bucket = `greatest(${d.periodNumber('ts', def.period)}, ${p.add(w.first - 2)})`;
  const marked = `CASE WHEN ${order} THEN ${d.concat("'o'", d.intText('ts'))} WHEN ${churn} THEN ${d.concat("'c'", d.intText('ts'))} END`;
  const perBucket = `(SELECT pid, b, max(ts) AS last_ts, min(ts) AS first_ts, min(CASE WHEN ${acquired} THEN ts END) AS acq_ts,
      ${d.joinedUnordered(marked, ',')} AS money
    FROM (SELECT *, ${bucket} AS b FROM ${events}) GROUP BY pid, b)`;
  const item = d.concat(d.concat(d.concat(d.intText('b'), "':'"), d.concat(d.intText('last_ts'), "':'")), "coalesce(money, '')");
  // Streamed, one person at a time: neither the trails nor the histories of half a million people are held at once.
  await ctx.reader.forEachRow<{ pid: string; first_ts: number; acq_ts: number | null; trail: string }>(
    `SELECT pid, min(first_ts) AS first_ts, min(acq_ts) AS acq_ts, ${d.joinedUnordered(item, ITEM_SEP)} AS trail FROM ${perBucket} GROUP BY pid`,
    p.values,
    (row) => onPerson(parseHistory(row.pid, Number(row.first_ts), row.acq_ts === null ? null : Number(row.acq_ts), row.trail, rules)),
  );
}

const [DIGIT_0, DIGIT_9, COLON, COMMA, ORDER_MARK, CHURN_MARK] = ['0', '9', ':', ',', 'o', 'c'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number];
const ITEM_END = ITEM_SEP.charCodeAt(0);

/**
 * A person's trail — items `period:last:o<ts>,c<ts>…` joined by ITEM_SEP, in any order — as a history with
 * everything sorted. Scanned character by character: it runs for every person, and slicing and splitting made
 * it the costliest part of the query (mostly garbage collection).
 */
function parseHistory(pid: string, firstTs: number, acquiredTs: number | null, trail: string, rules: StageRules): PersonHistory {
  const periods: number[] = [];
  const lasts: number[] = [];
  const orders: number[] = [];
  const churns: number[] = [];
  let num = 0;
  let field = 0;
  let mark = 0;
  let period = 0;
  const endMark = () => {
    if (mark === ORDER_MARK) orders.push(num);
    else if (mark === CHURN_MARK) churns.push(num);
    mark = 0;
  };
  for (let i = 0; i <= trail.length; i++) {
    const c = i < trail.length ? trail.charCodeAt(i) : ITEM_END;
    if (c >= DIGIT_0 && c <= DIGIT_9) num = num * 10 + (c - DIGIT_0);
    else if (c === COLON) {
      if (field === 0) period = num;
      else {
        periods.push(period);
        lasts.push(num);
      }
      field++;
      num = 0;
    } else if (c === ORDER_MARK || c === CHURN_MARK) {
      mark = c;
      num = 0;
    } else if (c === COMMA) {
      endMark();
      num = 0;
    } else if (c === ITEM_END) {
      endMark();
      field = 0;
      num = 0;
    }
  }
  if (periods.some((p, i) => i > 0 && p < periods[i - 1]!)) {
    const order = periods.map((_, i) => i).sort((x, y) => periods[x]! - periods[y]!);
    const [sortedPeriods, sortedLasts] = [order.map((i) => periods[i]!), order.map((i) => lasts[i]!)];
    periods.splice(0, periods.length, ...sortedPeriods);
    lasts.splice(0, lasts.length, ...sortedLasts);
  }
  orders.sort((x, y) => x - y);
  churns.sort((x, y) => x - y);
  return { pid, firstTs, acquiredTs, periods, lasts, orders, churns, repeatAt: repeatAt(orders, rules.repeatWithinMs) };
}

function windowOf(def: LifecycleDefinition, ctx: QueryContext): Window {
  const end = timeRange(def).to ?? ctx.clock.now();
  const last = periodOf(end - 1, def.period);
  return { end, first: last - def.periods + 1, last };
}

async function runLifecycle(def: LifecycleDefinition, ctx: QueryContext) {
  const rules = rulesOf(def);
  const w = windowOf(def, ctx);
  // The moment each reported period ends (the last one at `end`), preceded by the end of the period before.
  const periods = Array.from({ length: def.periods }, (_, i) => w.first + i);
  const endOf = (j: number) => (j === w.last ? w.end : periodStartMs(j + 1, def.period));
  const ends = periods.map(endOf);
  const stageIndex = new Map<Stage | null, number>([[null, STAGES.length], ...STAGES.map((s, i) => [s, i] as [Stage, number])]);
  const FROM = STAGES.length + 1; // the stages, then "none" (not seen yet)
  // Counted by index in typed arrays: this loop runs for every person at every period end.
  const transitions = periods.map(() => new Int32Array(FROM * STAGES.length));
  const activity = periods.map(() => ({ new: 0, returning: 0, resurrecting: 0, dormant: 0 }) as ActivityCounts);
  await forEachHistory(def, ctx, w, rules, (h) => {
    const firstPeriod = periodOf(h.firstTs, def.period);
    let previous = stageIndex.get(stageAt(h, endOf(w.first - 1), w.first - 1, rules))!;
    for (let i = 0; i < periods.length; i++) {
      const stage = stageIndex.get(stageAt(h, ends[i]!, periods[i]!, rules))!;
      if (stage < STAGES.length) transitions[i]![previous * STAGES.length + stage]!++;
      const status = activityStatus(h, periods[i]!, firstPeriod);
      if (status) activity[i]![status]++;
      previous = stage;
    }
  });
  const report = periods.map((j, i) => {
    const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
    const pairs: { from: string; to: Stage; count: number }[] = [];
    transitions[i]!.forEach((count, cell) => {
      if (count === 0) return;
      const to = STAGES[cell % STAGES.length]!;
      stages[to] += count;
      pairs.push({ from: STAGES[Math.floor(cell / STAGES.length)] ?? 'none', to, count });
    });
    pairs.sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    return { period: periodStartIso(j, def.period), stages, transitions: pairs, ...activity[i]! };
  });
  return { asOf: new Date(w.end).toISOString(), period: def.period, stages: report.at(-1)!.stages, periods: report };
}

/** Each person's stage as of `to` (default: now), for profiles: {personId, traits: {lifecycleStage}}. */
export async function computeLifecycleTraits(ctx: QueryContext, definition: z.input<typeof lifecycleSchema>) {
  const def = lifecycleSchema.parse(definition);
  const rules = rulesOf(def);
  const w = windowOf(def, ctx);
  const rows: { personId: string; traits: { lifecycleStage: Stage | null } }[] = [];
  await forEachHistory(def, ctx, w, rules, (h) => rows.push({ personId: h.pid, traits: { lifecycleStage: stageAt(h, w.end, w.last, rules) } }));
  return rows;
}

export const lifecycle = defineKind({
  name: 'lifecycle',
  summary: 'Lifecycle stages (reached → acquired → converted → retained → loyal, dormant, churned) with per-period transitions',
  schema: lifecycleSchema,
  run: runLifecycle,
});
