import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StoredEvent } from '../../src/core/events.js';
import { releaseGarbage } from '../../src/ops/heap.js';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { withDuckDbStore } from '../support/duckdb-store.js';
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

  it('leaves nothing in a refused Appender for its finaliser to flush into a later transaction', async () => {
    await withDuckDbStore(async (store) => {
      const bad = Array.from({ length: 10 }, (_, i) => storedEvent({ messageId: `m-${i}` }));
      bad[5] = { ...bad[5]!, messageId: null } as unknown as StoredEvent; // refused by DuckDB at the flush (NOT NULL)
      await assert.rejects(store.append(bad), /NOT NULL/);
      // Collect the refused Appender while the writer has a transaction open, as the next append's would be.
      const writer = (store as unknown as { writer: DuckDBConnection }).writer;
      await writer.run('BEGIN TRANSACTION');
      releaseGarbage(0); // a full collection, whatever the heap holds
      await new Promise((resolve) => setImmediate(resolve)); // finalisers run after the collection
      await writer.run('SELECT 1'); // fails with "Current transaction is aborted" when a flush landed in it
      await writer.run('ROLLBACK');
      await store.append(Array.from({ length: 10 }, (_, i) => storedEvent({ messageId: `n-${i}` })));
      assert.equal(await store.countEvents(), 10);
    });
  });

  it('runs the work given alongside once the rows are handed over, and settles after both', async () => {
    const store = await DuckDbEventStore.open(path.join(tempDataDir(), 'events.duckdb'));
    try {
      await store.migrate();
      let ranWith = -1;
      await store.append(
        Array.from({ length: 100 }, (_, i) => storedEvent({ messageId: `a-${i}` })),
        async () => {
          ranWith = 1; // started: the append has not settled yet
        },
      );
      assert.equal(ranWith, 1);
      assert.equal(await store.countEvents(), 100);

      // The alongside work fails after the rows were handed over: they are committed, and the append reports it.
      await assert.rejects(
        store.append([storedEvent({ messageId: 'b-0' })], async () => {
          throw new Error('state store down');
        }),
        /state store down/,
      );
      assert.equal(await store.countEvents(), 101, 'the log holds the batch: recovery replays it into the state store');

      // Rows the Appender refuses: nothing is committed and the alongside work never starts.
      let started = false;
      const bad = [{ ...storedEvent({ messageId: 'c-0' }), messageId: null } as unknown as StoredEvent];
      await assert.rejects(store.append(bad, async () => void (started = true)));
      assert.equal(started, false);
      assert.equal(await store.countEvents(), 101);

      // An empty batch still runs it (a flush of duplicates only moves the state's cursor).
      let ranEmpty = false;
      await store.append([], async () => void (ranEmpty = true));
      assert.equal(ranEmpty, true);
    } finally {
      await store.close();
    }
  });
});

describe('DuckDB event log: a transaction opened ahead of the append (prepareAppend)', () => {
  const events = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => storedEvent({ messageId: `${prefix}-${i}` }));

  it('takes the rows of the append that follows, and a later prepare opens a fresh one', async () => {
    await withDuckDbStore(async (store) => {
      for (let round = 0; round < 3; round++) {
        store.prepareAppend();
        store.prepareAppend(); // a second call while one is open changes nothing
        await store.append(events(`r${round}`, 50));
      }
      assert.equal(await store.countEvents(), 150);
    });
  });

  it('is given up, not written into, by other writes, an empty append and a failed append', async () => {
    const file = path.join(tempDataDir(), 'events.duckdb');
    const store = await DuckDbEventStore.open(file);
    try {
      await store.migrate();
      store.prepareAppend();
      await store.recordMerges([{ from: 'p-1', to: 'p-2', at: 1_000 }]); // its own transaction, committed
      await store.append(events('a', 10));

      store.prepareAppend();
      let ran = false;
      await store.append([], async () => void (ran = true)); // a flush of duplicates only
      assert.equal(ran, true);
      await store.recordMerges([{ from: 'p-3', to: 'p-4', at: 2_000 }]);

      store.prepareAppend();
      const bad = events('bad', 5);
      bad[2] = { ...bad[2]!, messageId: null } as unknown as StoredEvent; // NOT NULL: refused at the Appender's flush
      await assert.rejects(store.append(bad), /NOT NULL/);
      store.prepareAppend();
      await store.append(events('b', 10));
      store.prepareAppend(); // left open at close: closing ends it
    } finally {
      await store.close();
    }
    const reopened = await DuckDbEventStore.open(file);
    try {
      assert.equal(await reopened.countEvents(), 20, 'both good batches, none of the refused one');
      assert.deepEqual((await reopened.listAliases()).map((a) => `${a.from}>${a.to}`).sort(), ['p-1>p-2', 'p-3>p-4']);
    } finally {
      await reopened.close();
    }
  });
});
