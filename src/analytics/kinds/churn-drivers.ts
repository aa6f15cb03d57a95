import { z } from 'zod';
import { commonFields, durationMs, durationSchema, eventMatchSchema, propertyFilterSchema, timeRange } from '../definition.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { fisherExactTwoSided } from '../stats/fisher.js';
import { defineKind, ratio, type QueryContext } from './kind.js';

export const churnDriversSchema = z.strictObject({
  churnEvent: eventMatchSchema.default({ event: 'Subscription Cancelled' }),
  lookback: durationSchema.default('60d').describe('The window before churn (or before the reference time, for retained people) searched for signals'),
  signals: z
    .array(z.strictObject({ name: z.string().min(1).max(200).optional(), event: z.string().min(1).max(200), where: z.array(propertyFilterSchema).max(20).optional() }))
    .min(1).max(200).optional()
    .describe('Candidate signals; default: every event name seen (except the churn event and $identify)'),
  excludeLast: durationSchema.default('1h')
    .describe('Leave out the last stretch before churn (and before the reference time): the visit in which someone cancels is not a cause'),
  population: eventMatchSchema.optional().describe('Retained people must have done this (e.g. Subscription Started) to be comparable; default: any event'),
  minSupport: z.number().int().min(1).default(5).describe('Signals fewer churned people had are left out'),
  alpha: z.number().gt(0).lt(1).default(0.05).describe('Significance level of the Fisher exact test'),
  ...commonFields,
});
export type ChurnDriversDefinition = z.output<typeof churnDriversSchema>;

export interface ChurnSignal {
  signal: string;
  churnedWithSignal: number;
  churnedShare: number;
  retainedWithSignal: number;
  retainedShare: number;
  /** churnedShare − retainedShare. */
  excessShare: number;
  /** churnedShare / retainedShare; null when no retained person had it (unbounded). */
  lift: number | null;
  pValue: number;
  significant: boolean;
}

const IGNORED = ['$identify', '$alias', '$group'];

/** A significant signal churned people had more often than retained ones. */
export const isRiskSignal = (s: ChurnSignal): boolean => s.significant && (s.lift === null || s.lift > 1);

/**
 * Rank: significant risk signals first, by excess share (churnedShare − retainedShare: how much more of the churned
 * group shows it — "20% of churners had a billing problem" outranks a rarer signal with a larger lift), then
 * everything else by p-value.
 */
function rank(a: ChurnSignal, b: ChurnSignal): number {
  if (isRiskSignal(a) !== isRiskSignal(b)) return isRiskSignal(a) ? -1 : 1;
  if (isRiskSignal(a)) return b.excessShare - a.excessShare || a.pValue - b.pValue || a.signal.localeCompare(b.signal);
  return a.pValue - b.pValue || a.signal.localeCompare(b.signal);
}

export async function runChurnDrivers(def: ChurnDriversDefinition, ctx: QueryContext) {
  const d = ctx.dialect;
  const lookback = durationMs(def.lookback);
  const p = new Params();
  const range = timeRange(def);
  const events = scopedEvents(d, p, range, def.where);
  const churnCond = eventCondition(def.churnEvent, d, p);
  // Churn moments need only churn events: that scan skips the rest before the alias join.
  const churnEvents = scopedEvents(d, p, range, def.where, [def.churnEvent.event]);
  const churners = `(SELECT pid, min(ts) AS tc FROM ${churnEvents} WHERE ${churnCond} GROUP BY pid)`;
  const [summary] = await ctx.reader.query<{ n: number; mid: number | null }>(`SELECT count(*) AS n, ${d.median('tc')} AS mid FROM ${churners}`, p.values);
  const churned = Number(summary?.n ?? 0);
  if (churned === 0 || summary?.mid === null || summary?.mid === undefined) {
    return { churned: 0, retained: 0, referenceTime: null, lookback: def.lookback, signals: [] as ChurnSignal[] };
  }
  /*
   * Retained people have no churn moment, so they are compared over one window: the lookback before the
   * churners' median churn time, for people first seen before it who never churned (and did the population
   * event, when given). That keeps both groups' windows in the same season of the data.
   */
  const reference = Math.floor(summary.mid);
  const ref = p.add(reference);
  const span = p.add(lookback);
  const populationCond = def.population ? `${d.countIf(eventCondition(def.population, d, p))} > 0` : '1 = 1';
  // Comparable means active then, too: churners are active right before they cancel (the cancel is a visit), so
  // comparing them with people who had long gone quiet would flag ordinary activity ($page) as a churn signal.
  const activeInWindow = `${d.countIf(`ts >= ${ref} - ${span} AND ts < ${ref}`)} > 0`;
  const retained = `(SELECT pid FROM ${events} GROUP BY pid HAVING min(ts) < ${ref} AND ${d.countIf(churnCond)} = 0 AND ${activeInWindow} AND ${populationCond})`;
  const [retainedRow] = await ctx.reader.query<{ n: number }>(`SELECT count(*) AS n FROM ${retained}`, p.values);
  const retainedCount = Number(retainedRow?.n ?? 0);

  const gap = p.add(durationMs(def.excludeLast));
  const beforeChurn = `(ts >= tc - ${span} AND ts < tc - ${gap})`;
  const beforeReference = `(ts >= ${ref} - ${span} AND ts < ${ref} - ${gap})`;
  const withChurn = d.innerJoinOnPid(events, churners, 'tc');
  const retainedEvents = `(SELECT * FROM ${events} WHERE pid IN ${retained})`;
  const churnedCounts = new Map<string, number>();
  const retainedCounts = new Map<string, number>();

  if (def.signals) {
    const conds = def.signals.map((s) => eventCondition(s, d, p));
    const select = conds.map((c, i) => `${d.countDistinctIf('pid', c)} AS s${i}`).join(', ');
    const [c] = await ctx.reader.query<Record<string, number>>(`SELECT ${select} FROM ${withChurn} WHERE ${beforeChurn}`, p.values);
    const [r] = await ctx.reader.query<Record<string, number>>(`SELECT ${select} FROM ${retainedEvents} WHERE ${beforeReference}`, p.values);
    def.signals.forEach((s, i) => {
      const name = s.name ?? s.event;
      churnedCounts.set(name, Number(c?.[`s${i}`] ?? 0));
      retainedCounts.set(name, Number(r?.[`s${i}`] ?? 0));
    });
  } else {
    const ignored = p.add(IGNORED);
    const bySignal = (from: string, window: string) =>
      `SELECT event AS signal, count(DISTINCT pid) AS n FROM ${from} WHERE ${window} AND NOT ${churnCond} AND NOT ${d.inList('event', ignored)} GROUP BY event`;
    for (const row of await ctx.reader.query<{ signal: string; n: number }>(bySignal(withChurn, beforeChurn), p.values)) churnedCounts.set(row.signal, Number(row.n));
    for (const row of await ctx.reader.query<{ signal: string; n: number }>(bySignal(retainedEvents, beforeReference), p.values)) retainedCounts.set(row.signal, Number(row.n));
  }

  const signals: ChurnSignal[] = [];
  for (const [signal, a] of churnedCounts) {
    if (a < def.minSupport) continue;
    const b = retainedCounts.get(signal) ?? 0;
    const churnedShare = ratio(a, churned);
    const retainedShare = ratio(b, retainedCount);
    const pValue = fisherExactTwoSided(a, churned - a, b, retainedCount - b);
    signals.push({
      signal,
      churnedWithSignal: a,
      churnedShare,
      retainedWithSignal: b,
      retainedShare,
      excessShare: churnedShare - retainedShare,
      lift: retainedShare === 0 ? null : churnedShare / retainedShare,
      pValue,
      significant: pValue < def.alpha,
    });
  }
  signals.sort(rank);
  return { churned, retained: retainedCount, referenceTime: new Date(reference).toISOString(), lookback: def.lookback, signals };
}

export const churnDrivers = defineKind({
  name: 'churn-drivers',
  summary: 'Which breadcrumbs churned people left in the window before churning, against comparable retained people: share, lift, Fisher exact p',
  schema: churnDriversSchema,
  run: runChurnDrivers,
});
