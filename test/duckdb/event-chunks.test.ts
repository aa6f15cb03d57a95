import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredEvent } from '../../src/core/events.js';
import { EVENT_COLUMNS } from '../../src/store/event-store/columns.js';
import { storedEvent } from '../support/events.js';
import { edgeEvent, stored } from '../support/edge-events.js';
import { withDuckDbStore } from '../support/duckdb-store.js';

// The embedded log writes rows as data chunks (src/store/event-store/duckdb/event-chunks.ts, from the encoding in encoded/): strings
// as DuckDB's 16-byte entries pointing into one copied buffer per column, int64s as two 32-bit words. These tests
// read every column back through SQL, across chunk boundaries, and query on the strings (equality, grouping).

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
