import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CrumbtrailError } from '../../src/core/errors.js';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { tempDataDir } from '../support/server.js';

// Engine-independent (the budget belongs to the embedded DuckDB adapter), so it runs once per pair; kept fast.

describe('DuckDB analytic query memory', () => {
  it('reports a query over its budget as CT_QUERY_OUT_OF_MEMORY, and the next query runs normally', async () => {
    const store = await DuckDbEventStore.open(path.join(tempDataDir(), 'events.duckdb'), { queryMemoryMb: 16 });
    try {
      await store.migrate();
      // 200,000 lists of 10 numbers: list states cannot spill, and they need far more than 16 MB.
      const hungry = 'SELECT g, list(i) AS l FROM (SELECT i, i % 200000 AS g FROM range(2000000) t(i)) GROUP BY g';
      await assert.rejects(store.analytics.query(hungry), (error: unknown) => {
        assert.ok(error instanceof CrumbtrailError, String(error));
        assert.equal(error.code, 'CT_QUERY_OUT_OF_MEMORY');
        assert.equal(error.status, 503);
        assert.match(error.message, /Out of Memory/);
        return true;
      });
      const [row] = await store.analytics.query<{ n: number }>('SELECT count(*) AS n FROM range(1000)');
      assert.equal(row!.n, 1000);
      const [limit] = await store.analytics.query<{ v: string }>("SELECT current_setting('memory_limit') AS v");
      assert.match(limit!.v, /^1[56]\.\d+ MiB$/, 'the budget applies while a query runs');
    } finally {
      await store.close();
    }
  });
});
