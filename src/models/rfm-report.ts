import { RFM_SEGMENTS, rfmScores, type RfmSegment } from './rfm.js';
import type { CustomerSummary } from './sample.js';
import { isoDay } from './time-unit.js';

export interface RfmReport {
  event: string;
  asOf: string;
  customers: number;
  segments: { segment: RfmSegment; customers: number; share: number; recencyDays: number; purchaseDays: number; revenue: number }[];
  /** Customers per recency/frequency cell: cells[r-1][f-1]. */
  cells: number[][];
}

/** POST /api/query/rfm: every customer's RFM scores, summarised by named segment (means per segment). */
export function rfmReport(customers: readonly CustomerSummary[], event: string, asOfDay: number): RfmReport {
  const scores = rfmScores(customers, asOfDay);
  const cells = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const sums = new Map<RfmSegment, { customers: number; recency: number; days: number; revenue: number }>();
  scores.forEach((s, i) => {
    const c = customers[i]!;
    cells[s.recency - 1]![s.frequency - 1]!++;
    const sum = sums.get(s.segment) ?? { customers: 0, recency: 0, days: 0, revenue: 0 };
    sum.customers++;
    sum.recency += asOfDay - c.lastDay;
    sum.days += c.x + 1;
    sum.revenue += c.totalRevenue;
    sums.set(s.segment, sum);
  });
  const round2 = (v: number) => Math.round(v * 100) / 100;
  return {
    event,
    asOf: isoDay(asOfDay),
    customers: customers.length,
    segments: RFM_SEGMENTS.filter((s) => sums.has(s)).map((segment) => {
      const s = sums.get(segment)!;
      return {
        segment,
        customers: s.customers,
        share: round2(s.customers / customers.length),
        recencyDays: round2(s.recency / s.customers),
        purchaseDays: round2(s.days / s.customers),
        revenue: round2(s.revenue / s.customers),
      };
    }),
    cells,
  };
}
