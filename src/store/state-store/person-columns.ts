import type { StateTables } from './port.js';

/**
 * The persons table's columns in the order both state engines declare them, and an exported row as
 * parameters in that order (JSON objects as text: SQLite stores it, PostgreSQL casts it to jsonb).
 */
export const PERSON_COLUMN_ORDER =
  'person_id, merged_into, created_at, first_seen, last_seen, email, traits, context, context_at, first_touch, merge_count';

export function personRowParams(r: StateTables['persons'][number]): unknown[] {
  return [
    r.personId,
    r.mergedInto,
    r.createdAt,
    r.firstSeen,
    r.lastSeen,
    r.email,
    JSON.stringify(r.traits),
    JSON.stringify(r.context),
    r.contextAt,
    r.firstTouch === null ? null : JSON.stringify(r.firstTouch),
    r.mergeCount,
  ];
}
