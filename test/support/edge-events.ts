import type { StoredEvent } from '../../src/core/events.js';
import { storedEvent } from './events.js';

/**
 * Events that exercise every encoding edge of the event log's columns (src/store/event-store/encoded/chunk.ts):
 * inline and pointer strings at the 12-byte boundary, multi-byte and lone-surrogate text, int64 times past 2^53 µs
 * and before 1970, nulls in every nullable column.
 */
const STRINGS = [
  '',
  'a',
  'abcdefghijkl', // 12 bytes: the longest inline string
  'abcdefghijklm', // 13 bytes: the shortest one stored by pointer
  'éééééé', // 12 bytes in 6 characters
  'ééééééé', // 14 bytes in 7 characters
  '日本語のテキストです', // 3-byte characters
  '👋🏽 hello', // surrogate pairs
  'nul\u0000inside',
  'x'.repeat(2_000),
  'lone \ud800 surrogate', // stored as U+FFFD, as any UTF-8 conversion does
];
const TIMES = [
  Date.UTC(1900, 0, 1),
  -1,
  0,
  Date.UTC(2026, 11, 7, 10, 11, 12, 345),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999), // past 2^53 µs
];
const DOUBLES = [0, -0.5, 1e300, 12.34, -7];

/** Event `i` of an edge-case batch: every column cycles through its own list, each nullable one null every 5th row. */
export function edgeEvent(i: number): StoredEvent {
  const text = (k: number) => STRINGS[(i + k) % STRINGS.length]!;
  const maybe = (k: number) => ((i + k) % 5 === 0 ? null : text(k));
  const properties = { note: i % 50 === 0 ? 'p'.repeat(30_000) : text(0), i }; // 30 KB: near the event size limit
  return storedEvent({
    messageId: `${text(1).slice(0, 40)}#${i}`,
    sourceId: text(2),
    nodeId: 'edge-node',
    batchSeq: 2 ** 40 + 1,
    type: 'track',
    event: maybe(3),
    name: maybe(4),
    personId: `person-${i % 7}-with-a-long-enough-id`,
    userId: maybe(5),
    anonymousId: maybe(6),
    groupId: maybe(7),
    previousId: maybe(8),
    timestamp: TIMES[i % TIMES.length]!,
    originalTimestamp: i % 3 === 0 ? null : TIMES[(i + 1) % TIMES.length]!,
    sentAt: i % 4 === 0 ? null : TIMES[(i + 2) % TIMES.length]!,
    receivedAt: TIMES[(i + 3) % TIMES.length]!,
    properties,
    json: { properties: JSON.stringify(properties), traits: JSON.stringify({ t: text(9) }), context: '{}' },
    revenue: i % 6 === 0 ? null : DOUBLES[i % DOUBLES.length]!,
    currency: maybe(10),
    url: maybe(11),
    path: maybe(12),
    referrer: maybe(13),
    title: maybe(14),
    utmSource: maybe(15),
    utmMedium: maybe(16),
    utmCampaign: maybe(17),
    utmTerm: maybe(18),
    utmContent: maybe(19),
    timezone: maybe(20),
    locale: maybe(21),
    ip: maybe(22),
    country: maybe(23),
    city: maybe(24),
    userAgent: maybe(25),
    browser: maybe(26),
    os: maybe(27),
    deviceType: maybe(28),
    isBot: i % 2 === 0,
    sessionId: maybe(29),
  });
}

/** What a column holds after a round trip through UTF-8: lone surrogates become U+FFFD. */
export function stored(value: string | number | boolean | null): string | number | boolean | null {
  return typeof value === 'string' ? Buffer.from(value, 'utf8').toString('utf8') : value;
}
