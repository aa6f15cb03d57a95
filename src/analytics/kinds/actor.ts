import type { Dialect } from '../sql/dialect.js';

/** Who a query counts: the person (after merges), or one of their sessions (events without a session are left out). */
export function actorColumn(unit: 'person' | 'session', d: Dialect): { expr: string; present: string } {
  if (unit === 'person') return { expr: 'pid', present: '1 = 1' };
  return { expr: d.concat(d.concat('pid', "'/'"), 'session_id'), present: 'session_id IS NOT NULL' };
}
