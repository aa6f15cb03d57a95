import { storableText } from './storable-text.js';

/**
 * Ids that clients send when they have none. Treating them as real ids would merge every visitor that ever
 * sent "null" into one person, so they count as missing.
 */
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const JUNK_IDS = new Set([
  '',
  'null',
  'undefined',
  'nil',
  'none',
  'nan',
  'anonymous',
  'anon',
  'guest',
  'unknown',
  '0',
  '-1',
  '[object object]',
  ZERO_UUID,
]);

/** Longer than every junk id but the zero UUID: such ids skip the lower-casing (most ids are UUIDs). */
const LONGEST_JUNK_WORD = Math.max(...[...JUNK_IDS].filter((id) => id !== ZERO_UUID).map((id) => id.length));

/** A trimmed string id, or null when absent or junk. Numbers are accepted and turned into strings (Segment does). */
export function cleanId(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const id = storableText(String(value).trim());
  if (id.length > LONGEST_JUNK_WORD) return id === ZERO_UUID ? null : id;
  return JUNK_IDS.has(id.toLowerCase()) ? null : id;
}
