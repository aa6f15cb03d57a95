import { EVENT_TYPES, type IncomingEvent } from '../../core/events.js';

/**
 * A check of the common case, with the same limits as `incomingEventSchema` (src/core/events.ts), that reads the
 * parsed JSON in place. zod's `safeParse` copies every event, and every key of its properties, traits and context,
 * which was ~3 µs per event on the ingest thread (bench:ingest). This answers only "certainly valid": on false
 * the caller runs the schema, which stays the authority for every rejection and its message. So it may be
 * stricter than the schema, never looser (test/collect/fast-check.test.ts compares the two on generated input).
 */
export function isPlainValidEvent(item: unknown): item is IncomingEvent {
  if (!isRecord(item)) return false;
  const e = item as Record<string, unknown>;
  return (
    (e.type === undefined || TYPES.has(e.type as string)) &&
    messageIdOk(e.messageId) &&
    idOk(e.userId) &&
    idOk(e.anonymousId) &&
    textOk(e.event, 512) &&
    textOk(e.name, 512) &&
    textOk(e.category, 512) &&
    idOk(e.groupId) &&
    idOk(e.previousId) &&
    recordOk(e.properties) &&
    recordOk(e.traits) &&
    recordOk(e.context) &&
    recordOk(e.integrations) &&
    timeOk(e.timestamp) &&
    timeOk(e.originalTimestamp) &&
    timeOk(e.sentAt) &&
    textOk(e.writeKey, 256)
  );
}

/** The fields the check knows; a test asserts they are exactly the schema's, so a new field cannot slip past. */
export const FAST_CHECKED_FIELDS = [
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'event',
  'name',
  'category',
  'groupId',
  'previousId',
  'properties',
  'traits',
  'context',
  'integrations',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'writeKey',
] as const;

const TYPES = new Set<string>(EVENT_TYPES);

/** A plain JSON object. One with an own `__proto__` key goes to the schema, which drops that key. */
function isRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !Object.hasOwn(value, '__proto__');
}

const absent = (v: unknown) => v === undefined || v === null;
const finiteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const textOk = (v: unknown, max: number) => absent(v) || (typeof v === 'string' && v.length <= max);
const idOk = (v: unknown) => absent(v) || finiteNumber(v) || (typeof v === 'string' && v.length <= 512);
const messageIdOk = (v: unknown) => absent(v) || finiteNumber(v) || (typeof v === 'string' && v.length >= 1 && v.length <= 256);
const timeOk = (v: unknown) => absent(v) || finiteNumber(v) || (typeof v === 'string' && v.length <= 64);
const recordOk = (v: unknown) => absent(v) || isRecord(v);
