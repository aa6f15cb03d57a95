import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { StoredEvent } from '../../src/core/events.js';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { storedEvent } from '../support/events.js';
import { tempDataDir } from '../support/server.js';

// Engine-independent (the Appender inside a transaction belongs to the embedded DuckDB adapter); runs once per pair.

describe('DuckDB event log: appends are all or nothing', () => {
  it('stores none of a batch that fails part-way, and the next batch is stored whole', async () => {
    const store = await DuckDbEventStore.open(path.join(tempDataDir(), 'events.duckdb'));
    try {
      await store.migrate();
      const batch = Array.from({ length: 1000 }, (_, i) => storedEvent({ messageId: `m-${i}` }));
      // A row the Appender refuses half-way through the batch (message_id is NOT NULL).
      batch[500] = { ...batch[500]!, messageId: null } as unknown as StoredEvent;
      await assert.rejects(store.append(batch));
      assert.equal(await store.countEvents(), 0, 'the 500 rows before the bad one were rolled back');
      const good = Array.from({ length: 1000 }, (_, i) => storedEvent({ messageId: `n-${i}` }));
      await store.append(good);
      assert.equal(await store.countEvents(), 1000);
    } finally {
      await store.close();
    }
  });
});
