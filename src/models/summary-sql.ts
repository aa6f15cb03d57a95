import { dialectFor } from '../analytics/sql/dialect-for.js';
import type { Dialect } from '../analytics/sql/dialect.js';
import { Params } from '../analytics/sql/params.js';
import { DAY } from '../core/units.js';
import type { AnalyticsReader } from '../store/event-store/port.js';
import type { CustomerSummary } from './sample.js';
import type { OrderSummary, SummaryWindow } from './summary.js';
import { UNIT_DAYS } from './time-unit.js';

interface SummaryRow {
  person_id: string;
  first_day: number;
  last_day: number;
  x: number;
  total_revenue: number;
  first_revenue: number;
  holdout_x: number;
  min_revenue: number;
}

/**
 * Purchases merged per person (after identity merges) and UTC day, up to the holdout end: the one relation
 * both queries read. Written with the dialect helpers only, so it is the same on DuckDB and ClickHouse 18.16.
 */
function purchaseDays(d: Dialect, params: Params, event: string, window: SummaryWindow): string {
  // The name and the end go to events() so the engine filters while it scans, before the alias join.
  const events = d.events(params, { to: (window.holdoutEndDay + 1) * DAY }, [event]);
  return `(SELECT pid, ${d.intDiv('ts', String(DAY))} AS day, sum(coalesce(revenue, 0)) AS revenue
    FROM ${events} AS ev GROUP BY pid, day)`;
}

/**
 * The per-customer summary computed in the event store (two queries, no window functions: ClickHouse 18.16
 * has none). It equals summarisePurchaseDays() on the same purchases; test/models/ltv-api.test.ts checks it.
 */
export async function summariseInStore(reader: AnalyticsReader, event: string, window: SummaryWindow): Promise<OrderSummary> {
  const [cohort, repeats] = [await summariseCustomers(reader, event, window), await repeatsByDay(reader, dialectFor(reader), event, window)];
  return { ...cohort, repeatsByDay: repeats };
}

/** The per-customer rows alone (scoring and RFM need no tracking diagnostic, so not its two extra scans). */
export async function summariseCustomers(reader: AnalyticsReader, event: string, window: SummaryWindow): Promise<Omit<OrderSummary, 'repeatsByDay'>> {
  const d = dialectFor(reader);
  const params = new Params();
  const cal = params.add(window.calibrationEndDay);
  // The first day's revenue is the revenue at the smallest day: argMax over −day (the dialects have argMax).
  const rows = await reader.query<SummaryRow>(
    `SELECT pid AS person_id, min(day) AS first_day,
            max(CASE WHEN day <= ${cal} THEN day ELSE -1 END) AS last_day,
            ${d.countIf(`day <= ${cal}`)} - 1 AS x,
            sum(CASE WHEN day <= ${cal} THEN revenue ELSE 0 END) AS total_revenue,
            ${d.argMax('revenue', '-day')} AS first_revenue,
            ${d.countIf(`day > ${cal}`)} AS holdout_x,
            min(revenue) AS min_revenue
       FROM ${purchaseDays(d, params, event, window)} AS pd
      GROUP BY pid
     HAVING min(day) <= ${cal}
      ORDER BY person_id`,
    params.values,
  );
  const unitDays = UNIT_DAYS[window.unit];
  let minRevenue = Infinity;
  const customers: CustomerSummary[] = rows.map((r) => {
    const x = Number(r.x);
    const firstDay = Number(r.first_day);
    const lastDay = Number(r.last_day);
    const totalRevenue = Number(r.total_revenue);
    minRevenue = Math.min(minRevenue, Number(r.min_revenue));
    return {
      personId: String(r.person_id),
      x,
      tx: (lastDay - firstDay) / unitDays,
      T: (window.calibrationEndDay - firstDay) / unitDays,
      monetary: x > 0 ? (totalRevenue - Number(r.first_revenue)) / x : 0,
      totalRevenue,
      holdoutX: Number(r.holdout_x),
      firstDay,
      lastDay,
    };
  });
  return { window, customers, minRevenue: minRevenue === Infinity ? 0 : minRevenue };
}

/** Repeat purchase days of the calibration cohort per day: the "actual" line of the tracking diagnostic. */
async function repeatsByDay(reader: AnalyticsReader, d: Dialect, event: string, window: SummaryWindow): Promise<Map<number, number>> {
  const params = new Params();
  const cal = params.add(window.calibrationEndDay);
  // ClickHouse 18.16 wants the join strictness spelled out; DuckDB does not know the word.
  const join = d.name === 'clickhouse' ? 'ALL INNER JOIN' : 'INNER JOIN';
  const rows = await reader.query<{ day: number; n: number }>(
    `SELECT day, count(*) AS n
       FROM ${purchaseDays(d, params, event, window)} AS pd
       ${join} (SELECT pid, min(day) AS first_day FROM ${purchaseDays(d, params, event, window)} AS fd
                 GROUP BY pid HAVING min(day) <= ${cal}) AS cohort USING (pid)
      WHERE day > first_day
      GROUP BY day
      ORDER BY day`,
    params.values,
  );
  return new Map(rows.map((r) => [Number(r.day), Number(r.n)]));
}
