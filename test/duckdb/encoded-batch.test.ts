import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredEvent } from '../../src/core/events.js';
import { EVENT_COLUMNS } from '../../src/store/event-store/columns.js';
import { decodeChunk, ENCODED_CHUNK_ROWS, ENCODED_COLUMNS, selectRows } from '../../src/store/event-store/encoded/chunk.js';
import { EventChunkEncoder } from '../../src/store/event-store/encoded/encoder.js';
import { EventBatch, type BatchPart } from '../../src/store/event-store/encoded/event-batch.js';
import { edgeEvent, stored } from '../support/edge-events.js';
import { withDuckDbStore } from '../support/duckdb-store.js';

// Requests travel from the collect workers to the event log encoded (src/store/event-store/encoded/): these tests
// decode what the encoder wrote, cut rows out of it as the flush does for duplicates, and store such a batch.

function assertRowsMatch(actual: Record<string, unknown>[], events: StoredEvent[], columns: readonly { name: string; read: (e: StoredEvent, i: number) => unknown }[], offset = 0): void {
  assert.equal(actual.length, events.length);
  events.forEach((event, i) => {
    for (const column of columns) {
      const expected = stored(column.read(event, i + offset) as string | number | boolean | null);
      const got = actual[i]![column.name];
      if (got !== expected) assert.fail(`row ${i}, ${column.name}: ${JSON.stringify(got)?.slice(0, 80)} ≠ ${JSON.stringify(expected)?.slice(0, 80)}`);
    }
  });
}

describe('encoded event chunks', () => {
  it('decode to the values encoded, for every event-level column, across chunks', () => {
    const events = Array.from({ length: ENCODED_CHUNK_ROWS + 300 }, (_, i) => edgeEvent(i));
    const chunks = new EventChunkEncoder().encode(events);
    assert.deepEqual(chunks.map((c) => c.rows), [ENCODED_CHUNK_ROWS, 300]);
    assertRowsMatch(decodeChunk(chunks[0]!), events.slice(0, ENCODED_CHUNK_ROWS), ENCODED_COLUMNS);
    assertRowsMatch(decodeChunk(chunks[1]!), events.slice(ENCODED_CHUNK_ROWS), ENCODED_COLUMNS, ENCODED_CHUNK_ROWS);
  });

  it('keep exactly the selected rows, nulls and long strings included', () => {
    const events = Array.from({ length: 50 }, (_, i) => edgeEvent(i));
    const [chunk] = new EventChunkEncoder().encode(events);
    const keep = [0, 3, 4, 10, 11, 12, 13, 29, 49];
    const selected = selectRows(chunk!, keep);
    assert.equal(selected.rows, keep.length);
    const decoded = decodeChunk(selected);
    keep.forEach((row, i) => {
      for (const column of ENCODED_COLUMNS) {
        const expected = stored(column.read(events[row]!, row));
        assert.equal(decoded[i]![column.name], expected, `kept row ${row}, ${column.name}`);
      }
    });
    assert.equal(selectRows(chunk!, []).rows, 0);
  });

  it('an encoder reused across calls leaves nothing of one call in the next', () => {
    const encoder = new EventChunkEncoder();
    const long = Array.from({ length: 20 }, (_, i) => edgeEvent(i * 50)); // every one carries a 30 KB property
    encoder.encode(long);
    const short = Array.from({ length: 7 }, (_, i) => edgeEvent(i + 1));
    assertRowsMatch(decodeChunk(encoder.encode(short)[0]!), short, ENCODED_COLUMNS);
  });

  it('a batch given as events and the same batch as encoded parts have the same rows', () => {
    const events = Array.from({ length: 120 }, (_, i) => ({ ...edgeEvent(i), sourceId: i < 60 ? 'web' : 'ios', batchSeq: 9 }));
    const fromEvents = EventBatch.fromEvents(events);
    const parts = fromEvents.parts();
    assert.deepEqual(parts.map((p) => [p.sourceId, p.firstPosition, p.chunk.rows]), [['web', 0, 60], ['ios', 60, 60]]);
    const fromParts = EventBatch.fromParts(parts, events.map((e) => e.messageId));
    assertRowsMatch(fromParts.rows(), events, EVENT_COLUMNS);
    assert.deepEqual(fromParts.events().map((e) => e.personId), events.map((e) => e.personId));
    assert.throws(() => EventBatch.fromParts(parts, ['one id']), /120 rows came with 1 messageIds/);
  });
});

describe('DuckDB event log: an encoded batch', () => {
  it('stores the kept rows of chunks cut for duplicates, with their batch columns', async () => {
    await withDuckDbStore(async (store) => {
      const events = Array.from({ length: 40 }, (_, i) => ({ ...edgeEvent(i), nodeId: 'cut-node', batchSeq: 3 }));
      const encoder = new EventChunkEncoder();
      const [first] = encoder.encode(events.slice(0, 25));
      const [second] = encoder.encode(events.slice(25));
      const keepFirst = [1, 2, 5, 24];
      const kept = [...keepFirst.map((r) => events[r]!), ...events.slice(25)];
      const personIds = kept.map((_, i) => `person-${i}-after-resolution`);
      const parts: BatchPart[] = [
        { chunk: selectRows(first!, keepFirst), sourceId: 'cut', nodeId: 'cut-node', batchSeq: 3, firstPosition: 0, personIds: personIds.slice(0, 4) },
        { chunk: second!, sourceId: 'cut', nodeId: 'cut-node', batchSeq: 3, firstPosition: 4, personIds: personIds.slice(4) },
      ];
      await store.append(EventBatch.fromParts(parts, kept.map((e) => e.messageId)));
      const back: StoredEvent[] = [];
      for await (const batch of store.batchesAfter('cut-node', 0)) back.push(...batch.events);
      const expected = kept.map((e, i) => ({ ...e, sourceId: 'cut', personId: personIds[i]! }));
      assertRowsMatch(
        back.map((e, i) => Object.fromEntries(EVENT_COLUMNS.map((c) => [c.name, c.read(e, i)]))),
        expected,
        EVENT_COLUMNS,
      );
    });
  });

  it('packs the parts of many requests into shared data chunks, each row exact (parts of 1 to 700 rows, 5,000 events)', async () => {
    await withDuckDbStore(async (store) => {
      const events = Array.from({ length: 5000 }, (_, i) => ({ ...edgeEvent(i), nodeId: 'packed-node', batchSeq: 4 }));
      const encoder = new EventChunkEncoder();
      const parts: BatchPart[] = [];
      for (let start = 0, size = 1; start < events.length; start += size, size = (size * 7 + 3) % 700 || 1) {
        const run = events.slice(start, start + size);
        const [chunk] = encoder.encode(run);
        parts.push({ chunk: chunk!, sourceId: `source-${parts.length % 3}`, nodeId: 'packed-node', batchSeq: 4, firstPosition: start, personIds: run.map((e) => e.personId) });
      }
      assert.ok(parts.length > 10);
      await store.append(EventBatch.fromParts(parts, events.map((e) => e.messageId)));
      const back: StoredEvent[] = [];
      for await (const batch of store.batchesAfter('packed-node', 0)) back.push(...batch.events);
      const sourceOf = new Map(parts.flatMap((part) => Array.from({ length: part.chunk.rows }, (_, r) => [part.firstPosition + r, part.sourceId] as const)));
      const expected = events.map((e, i) => ({ ...e, sourceId: sourceOf.get(i)! }));
      assertRowsMatch(
        back.map((e, i) => Object.fromEntries(EVENT_COLUMNS.map((c) => [c.name, c.read(e, i)]))),
        expected,
        EVENT_COLUMNS,
      );
    });
  });
});
