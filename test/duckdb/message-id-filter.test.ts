import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { MessageIdFilter } from '../../src/store/event-store/duckdb/message-id-filter.js';
import { storedEvent } from '../support/events.js';
import { tempDataDir } from '../support/server.js';

// Engine-independent (the filter lives inside the embedded DuckDB adapter), so it runs once per pair; kept fast.

describe('MessageIdFilter', () => {
  it('never forgets an id it was given, and rarely claims one it was not', () => {
    const filter = new MessageIdFilter(50_000);
    const added = Array.from({ length: 50_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of added) filter.add(id);
    assert.equal(added.filter((id) => !filter.mayContain(id)).length, 0);
    const others = Array.from({ length: 50_000 }, (_, i) => `11111111-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const falsePositives = others.filter((id) => filter.mayContain(id)).length;
    assert.ok(falsePositives < 50, `${falsePositives} false positives in 50,000 (sized for about 0.05%)`);
    assert.equal(filter.full, false);
    filter.add('one-more');
    assert.equal(filter.full, true);
  });
});

describe('DuckDB event log: deduplication through the messageId filter', () => {
  it('answers exactly like the log across filter rebuilds, a reopen and a window reaching before the filter', async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'events.duckdb');
    const t = Date.UTC(2026, 3, 1);
    // Capacity 30: the filter fills and is rebuilt from the log several times below.
    let store = await DuckDbEventStore.open(file, { messageIdFilterMinCapacity: 30 });
    try {
      await store.migrate();
      await store.append([storedEvent({ messageId: 'old-1', receivedAt: t - 10_000 })]);
      const appended: string[] = ['old-1'];
      for (let batch = 0; batch < 6; batch++) {
        const ids = Array.from({ length: 25 }, (_, i) => `b${batch}-e${i}`);
        const fresh = ids.map((id) => `${id}-fresh`);
        // Before the batch is appended none of it is seen; ids of earlier batches are.
        const seenBefore = await store.seenMessageIds([...ids, ...appended.slice(1)], t - 1_000);
        assert.deepEqual([...seenBefore].sort(), appended.slice(1).sort());
        await store.append(ids.map((messageId, i) => storedEvent({ messageId, receivedAt: t + batch * 100 + i })));
        appended.push(...ids);
        assert.deepEqual([...(await store.seenMessageIds([...ids, ...fresh], t - 1_000))].sort(), [...ids].sort());
      }
      // old-1 is outside this window, inside the next (which reaches back before what the filter was loaded with).
      assert.deepEqual([...(await store.seenMessageIds(['old-1', 'b0-e0'], t - 1_000))], ['b0-e0']);
      assert.deepEqual([...(await store.seenMessageIds(['old-1', 'b0-e0', 'never'], t - 60_000))].sort(), ['b0-e0', 'old-1']);

      await store.close();
      store = await DuckDbEventStore.open(file, { messageIdFilterMinCapacity: 30 });
      await store.migrate();
      // Appends racing the filter's (re)loads: every committed id must still be seen.
      const racing = Array.from({ length: 4 }, (_, b) => Array.from({ length: 20 }, (_, i) => `race-${b}-${i}`));
      const s = store;
      await Promise.all([
        s.seenMessageIds(['race-probe'], t - 60_000),
        ...racing.map((ids) => s.append(ids.map((messageId) => storedEvent({ messageId, receivedAt: t + 5_000 })))),
        s.seenMessageIds(['race-probe-2'], t - 60_000),
      ]);
      appended.push(...racing.flat());
      const afterReopen = await store.seenMessageIds([...appended, 'never-1', 'never-2'], t - 60_000);
      assert.deepEqual([...afterReopen].sort(), [...appended].sort());
      assert.equal(await store.countEvents(), appended.length);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB event log: streams have their own connection', () => {
  it('a query on the reader while a stream is open neither ends the stream early nor fails', async () => {
    const dir = tempDataDir();
    const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
    try {
      await store.migrate();
      const t = Date.UTC(2026, 3, 1);
      // Several DuckDB chunks (2,048 rows each): a shared connection ended the stream after the first one.
      await store.append(Array.from({ length: 10_000 }, (_, i) => storedEvent({ messageId: `s-${i}`, personId: `p-${i}`, receivedAt: t, timestamp: t })));
      let rows = 0;
      await store.analytics.forEachRow<{ message_id: string }>('SELECT message_id FROM events', {}, () => rows++);
      assert.equal(rows, 10_000);
      // Now with queries on the reader between chunks, as concurrent admin reads and dedup checks do.
      rows = 0;
      const queries: Promise<unknown>[] = [];
      await store.analytics.forEachRow('SELECT message_id FROM events', {}, () => {
        rows++;
        if (rows % 1_000 === 0) queries.push(store.seenMessageIds(['s-1'], t - 1), store.analytics.query('SELECT count(*) AS n FROM events'));
      });
      const answers = await Promise.all(queries);
      assert.equal(rows, 10_000);
      assert.deepEqual(answers[0], new Set(['s-1']));
      assert.deepEqual(answers[1], [{ n: 10_000 }]);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
