import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredEvent } from '../../src/core/events.js';
import { EVENT_COLUMNS } from '../../src/store/event-store/columns.js';
import { storedEvent } from '../support/events.js';
import { withDuckDbStore } from '../support/duckdb-store.js';

// The embedded log writes rows as data chunks it fills itself (src/store/event-store/duckdb/event-chunks.ts): strings
// as DuckDB's 16-byte entries pointing into one copied buffer per column, int64s as two 32-bit words. These tests
// read every column back through SQL, across chunk boundaries, and query on the strings (equality, grouping).

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
function edgeEvent(i: number): StoredEvent {
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
function stored(value: string | number | boolean | null): string | number | boolean | null {
  return typeof value === 'string' ? Buffer.from(value, 'utf8').toString('utf8') : value;
}

describe('DuckDB event log: rows written as data chunks', () => {
  it('reads back every column of every row exactly, across chunk boundaries', async () => {
    await withDuckDbStore(async (store) => {
      const batch = Array.from({ length: 4500 }, (_, i) => edgeEvent(i)); // 2048 + 2048 + 404 rows
      await store.append(batch);
      const batches: StoredEvent[][] = [];
      for await (const { events } of store.batchesAfter('edge-node', 0)) batches.push(events);
      assert.equal(batches.length, 1);
      const back = batches[0]!;
      assert.equal(back.length, batch.length);
      for (let i = 0; i < batch.length; i++) {
        for (const column of EVENT_COLUMNS) {
          const expected = stored(column.read(batch[i]!, i));
          const actual = column.read(back[i]!, i);
          if (actual !== expected) assert.fail(`row ${i}, ${column.name}: ${JSON.stringify(actual)?.slice(0, 80)} ≠ ${JSON.stringify(expected)?.slice(0, 80)}`);
        }
      }
    });
  });

  it('finds stored strings by equality and groups them, short and long alike', async () => {
    await withDuckDbStore(async (store) => {
      const batch = Array.from({ length: 3000 }, (_, i) => edgeEvent(i));
      await store.append(batch);
      // Ids as the pipeline hands them over: storableText has already replaced lone surrogates.
      const ids = batch.filter((_, i) => i % 97 === 0).map((e) => e.messageId).filter((id) => stored(id) === id);
      const seen = await store.seenMessageIds([...ids, 'abcdefghijkl#999999', 'never-stored-but-long-enough'], Date.UTC(1800, 0, 1)); // every received_at
      assert.deepEqual([...seen].sort(), [...ids].sort());
      // Grouping by `event` for one person: the counts by name match what was appended.
      const personId = 'person-3-with-a-long-enough-id';
      const activity = await store.personActivity([personId]);
      const expected = new Map<string, number>();
      for (const event of batch) {
        if (event.personId !== personId || event.event === null) continue;
        const name = stored(event.event) as string;
        expected.set(name, (expected.get(name) ?? 0) + 1);
      }
      assert.ok(activity);
      for (const [name, count] of expected) assert.equal(activity.eventCounts[name], count, `count of ${JSON.stringify(name).slice(0, 40)}`);
    });
  });

  it('refuses a time outside what DuckDB stores, and keeps none of the batch', async () => {
    await withDuckDbStore(async (store) => {
      const batch = Array.from({ length: 10 }, (_, i) => storedEvent({ messageId: `t-${i}` }));
      batch[4] = { ...batch[4]!, timestamp: 2 ** 60 };
      await assert.rejects(store.append(batch), /outside what DuckDB stores/);
      assert.equal(await store.countEvents(), 0);
      await store.append(batch.filter((_, i) => i !== 4));
      assert.equal(await store.countEvents(), 9);
    });
  });
});
