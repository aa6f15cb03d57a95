import type { OrderSummary } from './summary.js';
import type { TransactionModel } from './transaction-model.js';
import { isoDay, UNIT_DAYS } from './time-unit.js';

/**
 * Calibration vs holdout tracking (Fader, Hardie & Lee 2005, fig. 2 and 3): cumulative repeat purchases of the
 * calibration cohort per period, actual against what the model expects, plus the conditional expectation of
 * holdout purchases by calibration frequency (fig. 4).
 */
export interface TrackingDiagnostic {
  /** Period k ends `k` units after the cohort's earliest first purchase. */
  periods: { period: number; endDay: string; actual: number; expected: number }[];
  /** Index into `periods` of the last calibration period. */
  calibrationPeriods: number;
  holdout: {
    length: number;
    actual: number;
    expected: number;
    /** Customers by calibration x (7 means 7+): mean holdout purchases, actual vs conditional expectation. */
    byFrequency: { x: string; customers: number; actual: number; expected: number }[];
  } | null;
}

/** Above this many periods the tracking series is sampled at a coarser stride (every period's sum costs evaluations). */
const MAX_TRACKING_POINTS = 260;

export function trackingDiagnostic(summary: OrderSummary, model: TransactionModel): TrackingDiagnostic {
  const { customers, window, repeatsByDay } = summary;
  const unitDays = UNIT_DAYS[window.unit];
  // A loop, not Math.min(...spread): spreading 200k customers as arguments overflows the stack.
  let startDay = Infinity;
  const births = new Map<number, number>();
  for (const c of customers) {
    births.set(c.firstDay, (births.get(c.firstDay) ?? 0) + 1);
    if (c.firstDay < startDay) startDay = c.firstDay;
  }
  const repeatDays = [...repeatsByDay].sort((a, b) => a[0] - b[0]);

  const totalPeriods = Math.ceil((window.holdoutEndDay + 1 - startDay) / unitDays);
  const stride = Math.max(1, Math.ceil(totalPeriods / MAX_TRACKING_POINTS));
  const periods: TrackingDiagnostic['periods'] = [];
  let cursor = 0;
  let actual = 0;
  const ends: number[] = [];
  for (let k = stride; k < totalPeriods; k += stride) ends.push(k);
  ends.push(totalPeriods);
  // E[X(t)] depends only on a birth cohort's age at the period end, and ages repeat across periods and cohorts.
  const expectedByAge = new Map<number, number>();
  const expectedAt = (age: number): number => {
    let e = expectedByAge.get(age);
    if (e === undefined) expectedByAge.set(age, (e = model.expected(age / unitDays)));
    return e;
  };
  for (const k of ends) {
    const end = startDay + k * unitDays; // exclusive, in (fractional) days
    while (cursor < repeatDays.length && repeatDays[cursor]![0] < end) actual += repeatDays[cursor++]![1];
    let expected = 0;
    for (const [day, n] of births) if (day < end) expected += n * expectedAt(end - day);
    periods.push({ period: k, endDay: isoDay(Math.floor(end - 1)), actual, expected });
  }
  const calibrationPeriods = Math.round((window.calibrationEndDay + 1 - startDay) / unitDays);

  let holdout: TrackingDiagnostic['holdout'] = null;
  if (window.holdoutEndDay > window.calibrationEndDay) {
    const length = (window.holdoutEndDay - window.calibrationEndDay) / unitDays;
    const buckets = new Map<number, { customers: number; actual: number; expected: number }>();
    let totalActual = 0;
    let totalExpected = 0;
    const cache = new Map<string, number>();
    for (const c of customers) {
      const key = `${c.x}|${c.tx}|${c.T}`;
      let e = cache.get(key);
      if (e === undefined) cache.set(key, (e = model.conditionalExpected(length, c.x, c.tx, c.T)));
      totalActual += c.holdoutX;
      totalExpected += e;
      const bucket = buckets.get(Math.min(c.x, 7)) ?? { customers: 0, actual: 0, expected: 0 };
      bucket.customers++;
      bucket.actual += c.holdoutX;
      bucket.expected += e;
      buckets.set(Math.min(c.x, 7), bucket);
    }
    holdout = {
      length,
      actual: totalActual,
      expected: totalExpected,
      byFrequency: [...buckets]
        .sort((a, b) => a[0] - b[0])
        .map(([x, b]) => ({ x: x === 7 ? '7+' : String(x), customers: b.customers, actual: b.actual / b.customers, expected: b.expected / b.customers })),
    };
  }
  return { periods, calibrationPeriods, holdout };
}
