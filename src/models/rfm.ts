import type { CustomerSummary } from './sample.js';

/**
 * RFM scores, 1–5 each, by quintile of the customers scored together: recency = days since the last purchase
 * (fewer is better), frequency = purchase days, monetary = revenue. Equal values get equal scores (the score of
 * the first position they occupy), so a mass of one-time buyers all get frequency 1.
 */
export interface RfmScore {
  recency: number;
  frequency: number;
  monetary: number;
  /** The three digits, e.g. "545". */
  score: string;
  segment: RfmSegment;
}

export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/**
 * The common recency × frequency segment map (every one of the 25 R/F cells has exactly one segment; monetary
 * only orders customers within a segment): R 1–2 are lapsing, R 4–5 recent; F 4–5 frequent.
 */
export function rfmSegment(r: number, f: number): RfmSegment {
  if (r <= 2) return f <= 2 ? 'hibernating' : f <= 4 ? 'at_risk' : 'cant_lose';
  if (r === 3) return f <= 2 ? 'about_to_sleep' : f === 3 ? 'need_attention' : 'loyal';
  if (f >= 4) return r === 5 ? 'champions' : 'loyal';
  if (f >= 2) return 'potential_loyalist';
  return r === 5 ? 'new' : 'promising';
}

/** Quintile scores 1..5 of `values` (higher value, higher score); ties share the score of their first rank. */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const scores = new Array<number>(n);
  let firstRank = 0;
  for (let rank = 0; rank < n; rank++) {
    if (rank > 0 && values[order[rank]!] !== values[order[rank - 1]!]) firstRank = rank;
    scores[order[rank]!] = 1 + Math.floor((5 * firstRank) / n);
  }
  return scores;
}

export function rfmScores(customers: readonly CustomerSummary[], asOfDay: number): RfmScore[] {
  // Recency is scored on −days-since so that "more recent" is the higher value, like the other two.
  const r = quintileScores(customers.map((c) => -(asOfDay - c.lastDay)));
  const f = quintileScores(customers.map((c) => c.x + 1));
  const m = quintileScores(customers.map((c) => c.totalRevenue));
  return customers.map((_, i) => ({
    recency: r[i]!,
    frequency: f[i]!,
    monetary: m[i]!,
    score: `${r[i]}${f[i]}${m[i]}`,
    segment: rfmSegment(r[i]!, f[i]!),
  }));
}
