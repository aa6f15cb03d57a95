import type { Period } from '../sql/dialect.js';
import { periodStartIso, periodStartMs } from './retention-periods.js';

/** Aggregated rows from SQL: people per (cohort, group), and people per (cohort, group, period offset k). */
export interface SizeRow {
  cohort: number;
  activated: number;
  n: number;
  eligible: number;
}
export interface ReturnRow {
  cohort: number;
  activated: number;
  k: number;
  n: number;
}

export interface RetentionLine {
  size: number;
  /** People counted in period k; null when period k of the cohort had not begun by the end of the query. */
  counts: (number | null)[];
  /** 100 × counts[k] / size (totals: over the cohorts that had reached period k). */
  percentages: (number | null)[];
}

export interface TableOptions {
  period: Period;
  periods: number;
  mode: 'on' | 'onOrAfter';
  /** Periods starting at or after this (epoch ms) are not observed yet. */
  end: number;
}

/**
 * counts[k] for one cohort from its return rows. "on": the person returned in period k itself; "onOrAfter":
 * rows carry each person's last return period, which counts for k and every earlier period.
 */
function cohortCounts(rows: ReturnRow[], o: TableOptions): number[] {
  const counts = new Array<number>(o.periods).fill(0);
  for (const row of rows) {
    if (o.mode === 'on') {
      if (row.k < o.periods) counts[row.k]! += row.n;
    } else {
      for (let k = Math.min(row.k, o.periods - 1); k >= 0; k--) counts[k]! += row.n;
    }
  }
  return counts;
}

function observed(cohort: number, k: number, o: TableOptions): boolean {
  return periodStartMs(cohort + k, o.period) < o.end;
}

/** Sum cohort lines weighted by size: each period over the cohorts that had reached it. */
export function totalsOf(lines: { cohort: number; size: number; counts: (number | null)[] }[], periods: number): RetentionLine {
  const counts: (number | null)[] = [];
  const percentages: (number | null)[] = [];
  for (let k = 0; k < periods; k++) {
    const seen = lines.filter((l) => l.counts[k] !== null);
    const count = seen.reduce((sum, l) => sum + l.counts[k]!, 0);
    const size = seen.reduce((sum, l) => sum + l.size, 0);
    counts.push(seen.length === 0 ? null : count);
    percentages.push(seen.length === 0 || size === 0 ? null : (100 * count) / size);
  }
  return { size: lines.reduce((sum, l) => sum + l.size, 0), counts, percentages };
}

/** The rows whose group passes `keep` (all when absent), grouped by cohort in the order they came. */
function byCohort<R extends { cohort: number; activated: number }>(rows: R[], keep: number | undefined): Map<number, R[]> {
  const groups = new Map<number, R[]>();
  for (const row of rows) {
    if (keep !== undefined && row.activated !== keep) continue;
    let group = groups.get(row.cohort);
    if (!group) groups.set(row.cohort, (group = []));
    group.push(row);
  }
  return groups;
}

/** One line per cohort (ascending), for the people whose group passes `keep` (both groups when absent). */
export function cohortLines(sizes: SizeRow[], returns: ReturnRow[], o: TableOptions, keep?: number) {
  const cohorts = [...new Set(sizes.map((s) => s.cohort))].sort((a, b) => a - b);
  const sizesOf = byCohort(sizes, keep);
  const returnsOf = byCohort(returns, keep);
  const lines = [];
  for (const cohort of cohorts) {
    const size = (sizesOf.get(cohort) ?? []).reduce((sum, s) => sum + s.n, 0);
    if (size === 0) continue;
    const raw = cohortCounts(returnsOf.get(cohort) ?? [], o);
    const counts = raw.map((n, k) => (observed(cohort, k, o) ? n : null));
    lines.push({
      cohort,
      start: periodStartIso(cohort, o.period),
      size,
      counts,
      percentages: counts.map((n) => (n === null ? null : (100 * n) / size)),
    });
  }
  return lines;
}
