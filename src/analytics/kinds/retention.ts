import { z } from 'zod';
import { CrumbtrailError } from '../../core/errors.js';
import { commonFields, durationMs, durationSchema, eventMatchSchema, timeRange } from '../definition.js';
import type { Dialect } from '../sql/dialect.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { defineKind, ratio, type QueryContext } from './kind.js';
import { Relations } from '../sql/relations.js';
import { cohortLines, totalsOf, type ReturnRow, type SizeRow, type TableOptions } from './retention-table.js';

export const periodSchema = z.enum(['day', 'week', 'month']).describe('Calendar periods in UTC; weeks start on Monday');

const activationSchema = eventMatchSchema.extend({
  minCount: z.number().int().min(1).max(10_000).default(1).describe('Activated: did the event at least this many times'),
  within: durationSchema.default('30d').describe('… within this time of their start (start inclusive, end exclusive)'),
  later: z
    .strictObject({ from: durationSchema, to: durationSchema })
    .default({ from: '30d', to: '60d' })
    .describe('The later window compared, relative to the start: a return event in [start + from, start + to)'),
});

export const retentionSchema = z.strictObject({
  startEvent: eventMatchSchema.optional().describe("The event whose first occurrence starts a person's cohort (default: their first event of any kind)"),
  returnEvent: eventMatchSchema.optional().describe('The event that counts as returning (default: any event)'),
  period: periodSchema.default('week'),
  periods: z.number().int().min(1).max(400).default(12).describe('Periods per cohort, period 0 being the cohort period itself'),
  mode: z.enum(['on', 'onOrAfter']).default('on').describe('on: returned in exactly period k; onOrAfter: in period k or any later one'),
  activation: activationSchema.optional().describe('Compare the retention of people who did this early on with those who did not'),
  ...commonFields,
});
export type RetentionDefinition = z.output<typeof retentionSchema>;

/** The rows the table is built from: cohort sizes (row_kind 0) and returns per period offset (row_kind 1). */
interface Row extends SizeRow, ReturnRow {
  row_kind: number;
  later: number;
}

/**
 * One scan of the log into per-person, per-period buckets (first start, last return in the period); cohorts and
 * returns are read from those, so the work grows with people × active periods, not with events. Only the
 * activation comparison needs single events again (its windows are not aligned to periods).
 */
function retentionSql(def: RetentionDefinition, d: Dialect, p: Params, end: number, from: number | undefined): string {
  const r = new Relations(d);
  const events = scopedEvents(d, p, { to: end }, def.where);
  const period = (ts: string) => d.periodNumber(ts, def.period);
  const startTs = def.startEvent ? `CASE WHEN ${eventCondition(def.startEvent, d, p)} THEN ts END` : 'ts';
  const returnCond = def.returnEvent ? eventCondition(def.returnEvent, d, p) : '1 = 1';
  const returnTs = def.returnEvent ? `CASE WHEN ${returnCond} THEN ts END` : 'ts';
  const buckets = r.add('buckets', `SELECT pid, ${period('ts')} AS pn, min(${startTs}) AS s_ts, max(${returnTs}) AS r_ts FROM ${events} GROUP BY pid, pn`);
  // `from` selects cohorts: people whose first start event (ever, not only since `from`) is at or after it.
  const since = from === undefined ? '' : `AND start_ts >= ${p.add(from)}`;
  const starts = r.add('starts', `SELECT pid, start_ts FROM (SELECT pid, ${d.notNull('min(s_ts)')} AS start_ts, count(s_ts) AS n FROM ${buckets} GROUP BY pid) WHERE n > 0 ${since}`);
  const withCohort = `(SELECT pid, start_ts, ${period('start_ts')} AS cohort FROM ${starts})`;
  let people = `SELECT pid, start_ts, cohort, 0 AS activated, 0 AS later FROM ${withCohort}`;
  const a = def.activation;
  const laterTo = p.add(a ? durationMs(a.later.to) : 0);
  if (a) {
    const act = eventCondition(a, d, p);
    const inLater = `ts >= start_ts + ${p.add(durationMs(a.later.from))} AND ts < start_ts + ${laterTo}`;
    const flagged = `(SELECT pid, ts, CASE WHEN ${act} THEN 1 ELSE 0 END AS is_act, CASE WHEN ${returnCond} THEN 1 ELSE 0 END AS is_ret
      FROM ${events} WHERE ${act} OR ${returnCond})`;
    const extras = r.add('extras', `SELECT pid, ${d.countIf(`is_act = 1 AND ts >= start_ts AND ts < start_ts + ${p.add(durationMs(a.within))}`)} AS act,
      max(CASE WHEN is_ret = 1 AND ${inLater} THEN 1 ELSE 0 END) AS later_ret FROM ${d.innerJoinOnPid(flagged, starts, 'start_ts')} GROUP BY pid`);
    // Unmatched left-join columns are NULL on DuckDB and 0 on ClickHouse: coalesce reads both as none.
    people = `SELECT pid, start_ts, cohort, CASE WHEN coalesce(act, 0) >= ${p.add(a.minCount)} THEN 1 ELSE 0 END AS activated,
      coalesce(later_ret, 0) AS later FROM ${d.leftJoinOnPid(withCohort, extras, 'act, later_ret')}`;
  }
  const persons = r.add('people', people);
  const returned = `(SELECT * FROM ${d.innerJoinOnPid(`(SELECT pid, pn, r_ts FROM ${buckets} WHERE r_ts IS NOT NULL)`, persons, 'start_ts, cohort, activated')}
    WHERE r_ts >= start_ts)`;
  // "on": each returning (person, period) once — buckets are unique per person and period already.
  // "onOrAfter": each person's last return period, which counts for every earlier period too.
  const returns =
    def.mode === 'on'
      ? `SELECT cohort, activated, pn - cohort AS k, count(*) AS n FROM ${returned} WHERE pn - cohort < ${p.add(def.periods)} GROUP BY cohort, activated, k`
      : `SELECT cohort, activated, k, count(*) AS n FROM (SELECT pid, cohort, activated, max(pn) - cohort AS k FROM ${returned} GROUP BY pid, cohort, activated) GROUP BY cohort, activated, k`;
  const eligible = `start_ts + ${laterTo} <= ${p.add(end)}`;
  const sizes = `SELECT cohort, activated, count(*) AS n, ${d.countIf(eligible)} AS eligible, ${d.countIf(`${eligible} AND later = 1`)} AS later
    FROM ${persons} GROUP BY cohort, activated`;
  const i = (x: string) => d.int64(x);
  return r.query(`SELECT ${i('0')} AS row_kind, ${i('cohort')} AS cohort, ${i('activated')} AS activated, ${i('0')} AS k, ${i('n')} AS n, ${i('eligible')} AS eligible, ${i('later')} AS later FROM (${sizes})
    UNION ALL SELECT ${i('1')}, ${i('cohort')}, ${i('activated')}, ${i('k')}, ${i('n')}, ${i('0')}, ${i('0')} FROM (${returns})`);
}

async function runRetention(def: RetentionDefinition, ctx: QueryContext) {
  const a = def.activation;
  if (a && durationMs(a.later.from) >= durationMs(a.later.to)) {
    throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', 'activation.later.from must be shorter than activation.later.to');
  }
  const p = new Params();
  const range = timeRange(def);
  // "As of": the query ends at `to`, or now.
  const end = range.to ?? ctx.clock.now();
  const rows = await ctx.reader.query<Row>(retentionSql(def, ctx.dialect, p, end, range.from), p.values);
  const sizes = rows.filter((row) => row.row_kind === 0);
  const returnRows = rows.filter((row) => row.row_kind === 1);
  const o: TableOptions = { period: def.period, periods: def.periods, mode: def.mode, end };
  const lines = cohortLines(sizes, returnRows, o);
  const result: Record<string, unknown> = {
    period: def.period,
    mode: def.mode,
    cohorts: lines.map((l) => ({ cohort: l.start, size: l.size, counts: l.counts, percentages: l.percentages })),
    totals: totalsOf(lines, def.periods),
  };
  if (a) {
    const group = (flag: number) => {
      const people = sizes.filter((s) => s.activated === flag);
      const eligible = people.reduce((sum, s) => sum + s.eligible, 0);
      const returned = people.reduce((sum, s) => sum + s.later, 0);
      const curve = totalsOf(cohortLines(sizes, returnRows, o, flag), def.periods);
      return { people: curve.size, eligible, returnedLater: returned, laterRate: ratio(returned, eligible), percentages: curve.percentages };
    };
    result.activation = {
      event: a.event,
      minCount: a.minCount,
      within: a.within,
      later: a.later,
      activated: group(1),
      notActivated: group(0),
    };
  }
  return result;
}

export const retention = defineKind({
  name: 'retention',
  summary: 'Cohort retention by first (or start) event per day/week/month, with an early-activation comparison',
  schema: retentionSchema,
  run: runRetention,
});
