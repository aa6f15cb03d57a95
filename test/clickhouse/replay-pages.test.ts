import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayPages } from '../../src/store/event-store/clickhouse/replay-pages.js';

describe('ClickHouse replay pages', () => {
  it('groups whole batches up to the page size and never splits one', () => {
    const sizes = [
      { batchSeq: 1, rows: 4 },
      { batchSeq: 2, rows: 5 },
      { batchSeq: 5, rows: 2 },
      { batchSeq: 6, rows: 30 },
      { batchSeq: 7, rows: 1 },
    ];
    assert.deepEqual(replayPages(sizes, 10), [
      { first: 1, last: 2 },
      { first: 5, last: 5 },
      { first: 6, last: 6 },
      { first: 7, last: 7 },
    ]);
    assert.deepEqual(replayPages([], 10), []);
  });
});
