import { DAY } from '../../core/units.js';
import type { Period } from '../sql/dialect.js';

/**
 * Calendar periods (UTC) in JavaScript, numbered exactly as the dialects' `periodNumber` numbers them in SQL:
 * days since the epoch, ISO weeks (Monday start; 1970-01-01 was a Thursday, hence the 3-day shift) and months
 * as year * 12 + month - 1. Shared by the retention and lifecycle kinds.
 */
export function periodOf(ms: number, period: Period): number {
  const day = Math.floor(ms / DAY);
  if (period === 'day') return day;
  if (period === 'week') return Math.floor((day + 3) / 7);
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** Epoch ms at which period number `n` starts. */
export function periodStartMs(n: number, period: Period): number {
  if (period === 'day') return n * DAY;
  if (period === 'week') return (n * 7 - 3) * DAY;
  const date = new Date(0);
  date.setUTCFullYear(Math.floor(n / 12), n % 12, 1);
  return date.getTime();
}

export const periodStartIso = (n: number, period: Period): string => new Date(periodStartMs(n, period)).toISOString();
