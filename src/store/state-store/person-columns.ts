import type { StateTables } from './port.js';

/**
 * The persons table's columns in the order both state engines declare them, and an exported row as
 * parameters in that order (JSON objects as text: SQLite stores it, PostgreSQL casts it to jsonb).
 */
export const PERSON_COLUMN_ORDER = 'person_id, merged_into, created_at, email, traits, merge_count';

export function personRowParams(r: StateTables['persons'][number]): unknown[] {
  return [r.personId, r.mergedInto, r.createdAt, r.email, JSON.stringify(r.traits), r.mergeCount];
}
