import type { CustomerSummary } from './sample.js';
import { UNIT_DAYS, type TimeUnit } from './time-unit.js';

/** What the models read from the event log: purchases merged per person and UTC day. */
export interface PurchaseDay {
  personId: string;
  /** UTC day number. */
  day: number;
  /** Revenue of the day's purchases (missing revenue counts as 0). */
  revenue: number;
}

export interface SummaryWindow {
  unit: TimeUnit;
  /** Last day (UTC day number) of the calibration period, inclusive. */
  calibrationEndDay: number;
  /** Last day of the holdout period, inclusive (= calibrationEndDay without a holdout). */
  holdoutEndDay: number;
}

/** The per-customer summaries plus what the calibration/holdout tracking plot needs. */
export interface OrderSummary {
  window: SummaryWindow;
  /** Customers whose first purchase is on or before the calibration end, ordered by personId. */
  customers: CustomerSummary[];
  /** Repeat purchase days of those customers per UTC day, up to the holdout end (day → count). */
  repeatsByDay: Map<number, number>;
  /** The lowest revenue of a cohort customer's purchase day (negative revenue is refused before fitting). */
  minRevenue: number;
}

/**
 * The reference implementation of the summary (Fader, Hardie & Lee 2005, §2), over purchase days sorted by
 * person then day. The SQL builder (summary-sql.ts) computes the same in the event store; tests compare the two.
 */
export function summarisePurchaseDays(days: readonly PurchaseDay[], window: SummaryWindow): OrderSummary {
  const unitDays = UNIT_DAYS[window.unit];
  const customers: CustomerSummary[] = [];
  const repeatsByDay = new Map<number, number>();
  let minRevenue = Infinity;
  let i = 0;
  while (i < days.length) {
    const personId = days[i]!.personId;
    const first = days[i]!;
    let last = first.day;
    let x = 0;
    let repeatRevenue = 0;
    let totalRevenue = 0;
    let holdoutX = 0;
    for (; i < days.length && days[i]!.personId === personId; i++) {
      const d = days[i]!;
      if (d.day > window.holdoutEndDay) continue;
      if (first.day > window.calibrationEndDay) continue; // not in the calibration cohort
      minRevenue = Math.min(minRevenue, d.revenue);
      if (d.day <= window.calibrationEndDay) {
        totalRevenue += d.revenue;
        last = d.day;
        if (d.day !== first.day) {
          x++;
          repeatRevenue += d.revenue;
        }
      } else holdoutX++;
      if (d.day !== first.day) repeatsByDay.set(d.day, (repeatsByDay.get(d.day) ?? 0) + 1);
    }
    if (first.day > window.calibrationEndDay) continue;
    customers.push({
      personId,
      x,
      tx: (last - first.day) / unitDays,
      T: (window.calibrationEndDay - first.day) / unitDays,
      monetary: x > 0 ? repeatRevenue / x : 0,
      totalRevenue,
      holdoutX,
      firstDay: first.day,
      lastDay: last,
    });
  }
  customers.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  return { window, customers, repeatsByDay, minRevenue: minRevenue === Infinity ? 0 : minRevenue };
}
