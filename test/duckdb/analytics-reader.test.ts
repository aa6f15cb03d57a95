import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { tempDataDir } from '../support/server.js';

// Engine-independent (the streaming reader belongs to the embedded DuckDB adapter), so it runs once per pair.

describe('DuckDB analytics reader: streaming rows', () => {
  it('delivers every row of a many-chunk result once, in order, while fetching a chunk ahead', async () => {
    const store = await DuckDbEventStore.open(path.join(tempDataDir(), 'events.duckdb'));
    try {
      await store.migrate();
      const seen: number[] = [];
      await store.analytics.forEachRow<{ i: number; l: Float64Array }>('SELECT i, [i * 1.0, i + 0.5] AS l FROM range(10000) t(i) ORDER BY i', {}, (row) => {
        assert.deepEqual([...row.l], [row.i, row.i + 0.5]);
        seen.push(row.i);
      });
      assert.deepEqual(seen, Array.from({ length: 10_000 }, (_, i) => i));
    } finally {
      await store.close();
    }
  });

  it('passes on an error thrown by the row callback mid-stream, and the next query runs', async () => {
    const store = await DuckDbEventStore.open(path.join(tempDataDir(), 'events.duckdb'));
    try {
      await store.migrate();
      let rows = 0;
      const stop = new Error('stop at row 3,000');
      await assert.rejects(
        store.analytics.forEachRow('SELECT i FROM range(10000) t(i)', {}, () => {
          if (++rows === 3000) throw stop;
        }),
        (error) => error === stop,
      );
      assert.equal(rows, 3000);
      const [row] = await store.analytics.query<{ n: number }>('SELECT count(*) AS n FROM range(5)');
      assert.equal(row!.n, 5);
    } finally {
      await store.close();
    }
  });
});
