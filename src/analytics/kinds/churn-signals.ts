import { durationMs } from '../definition.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { churnDriversSchema, isRiskSignal, runChurnDrivers, type ChurnDriversDefinition } from './churn-drivers.js';
import type { QueryContext } from './kind.js';

/** How many of the top risk signals a profile's churnSignals trait considers. */
const MAX_SIGNALS = 5;

/**
 * The `churnSignals` computed trait: for every person active in the last lookback window (as of the clock) who
 * has not churned, which of the strongest significant churn drivers they show now — the seeds' "who is slipping
 * away, and why". People without any get an empty list, so a stale signal does not linger on a profile.
 */
export async function computeChurnSignalTraits(ctx: QueryContext, definition: Partial<ChurnDriversDefinition> = {}) {
  const def = churnDriversSchema.parse(definition);
  const drivers = await runChurnDrivers(def, ctx);
  const risks = drivers.signals.filter(isRiskSignal).slice(0, MAX_SIGNALS);
  const d = ctx.dialect;
  const p = new Params();
  const now = ctx.clock.now();
  const events = scopedEvents(d, p, { from: now - durationMs(def.lookback), to: now }, def.where);
  // `events` stays whole (everyone active in the lookback is listed); the churned need only churn events.
  const churnEvents = d.events(p, {}, [def.churnEvent.event]);
  const churned = `(SELECT pid FROM ${churnEvents} WHERE ${eventCondition(def.churnEvent, d, p)})`;
  const conditions = risks.map((risk) => {
    const listed = def.signals?.find((s) => (s.name ?? s.event) === risk.signal);
    return eventCondition(listed ?? { event: risk.signal }, d, p);
  });
  const columns = conditions.map((c, i) => `${d.countIf(c)} AS s${i}`);
  const rows = await ctx.reader.query<Record<string, number | string>>(
    `SELECT pid${columns.map((c) => `, ${c}`).join('')} FROM ${events} WHERE pid NOT IN ${churned} GROUP BY pid`,
    p.values,
  );
  return rows.map((row) => ({
    personId: String(row.pid),
    traits: { churnSignals: risks.filter((_, i) => Number(row[`s${i}`]) > 0).map((r) => r.signal) },
  }));
}
