/**
 * Lifecycle stages, evaluated per person in JavaScript from one compact row (activity per calendar period,
 * order and churn times): the rules read as a list, and the same person is evaluated at several moments (the
 * end of each period) without re-querying.
 */
export const STAGES = ['reached', 'acquired', 'converted', 'retained', 'loyal', 'dormant', 'churned'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageRules {
  repeatWithinMs: number;
  loyalOrders: number;
  loyalWithinMs: number;
  dormantAfterMs: number;
  churnedAfterMs: number;
}

export interface PersonHistory {
  pid: string;
  firstTs: number;
  /** First acquisition event (identify or sign-up), null when none. */
  acquiredTs: number | null;
  /** Active periods, ascending (periods before the window are folded into one), and the last event time in each. */
  periods: number[];
  lasts: number[];
  /** Order times, ascending. */
  orders: number[];
  /** Churn-event times, ascending. */
  churns: number[];
  /** The first order that came within `repeatWithin` of the previous one (Infinity when none). */
  repeatAt: number;
}

/** The first order within `withinMs` of the one before it: from then on the person ordered again in time. */
export function repeatAt(orders: number[], withinMs: number): number {
  for (let i = 1; i < orders.length; i++) if (orders[i]! - orders[i - 1]! <= withinMs) return orders[i]!;
  return Infinity;
}

/**
 * The stage of a person as of `at` (events strictly before it), null when not seen yet. `atPeriod` is the period
 * holding the last moment before `at`: the activity of periods up to it counts. Allocation-free: it runs for
 * every person at every period end.
 */
export function stageAt(h: PersonHistory, at: number, atPeriod: number, r: StageRules): Stage | null {
  if (h.firstTs >= at) return null;
  let lastSeen = h.firstTs;
  for (let i = 0; i < h.periods.length && h.periods[i]! <= atPeriod; i++) if (h.lasts[i]! > lastSeen) lastSeen = h.lasts[i]!;
  let orders = 0;
  let lastOrder = -Infinity;
  for (const t of h.orders) {
    if (t >= at) break;
    orders++;
    lastOrder = t;
  }
  let lastChurn = -Infinity;
  for (const t of h.churns) {
    if (t >= at) break;
    lastChurn = t;
  }
  // A churn event ends the relationship until the person orders again.
  if (lastChurn > lastOrder) return 'churned';
  const idle = at - lastSeen;
  if (idle >= r.churnedAfterMs) return 'churned';
  if (idle >= r.dormantAfterMs) return 'dormant';
  if (orders >= r.loyalOrders && at - lastOrder <= r.loyalWithinMs) return 'loyal';
  if (h.repeatAt < at) return 'retained';
  if (orders > 0) return 'converted';
  if (h.acquiredTs !== null && h.acquiredTs < at) return 'acquired';
  return 'reached';
}

export interface ActivityCounts {
  new: number;
  returning: number;
  resurrecting: number;
  dormant: number;
}

/** PostHog's lifecycle status of a person in period `j` (first-ever activity in `firstPeriod`), if any. */
export function activityStatus(h: PersonHistory, j: number, firstPeriod: number): keyof ActivityCounts | null {
  const now = h.periods.includes(j);
  const before = h.periods.includes(j - 1);
  if (now && firstPeriod === j) return 'new';
  if (now && before) return 'returning';
  if (now && firstPeriod < j) return 'resurrecting';
  if (!now && before) return 'dormant';
  return null;
}
