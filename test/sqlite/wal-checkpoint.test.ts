import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStateStore } from '../../src/store/state-store/sqlite/state-store.js';
import type { StateBatch } from '../../src/store/state-store/port.js';
import { tempDataDir } from '../support/server.js';

// Engine-specific (the embedded SQLite adapter's WAL), so it runs the same under either engine pair.

/** A batch of new persons, each with one identity: random keys, so every batch dirties many B-tree pages. */
function batchOfNewPeople(seq: number, people: number): StateBatch {
  const ids = Array.from({ length: people }, (_, i) => `p-${seq}-${i}-${(seq * 7919 + i * 104729).toString(36)}`);
  return {
    nodeId: 'n1',
    batchSeq: seq,
    newPersons: ids.map((personId) => ({ personId, createdAt: seq })),
    links: ids.map((personId) => ({ key: `anon:${personId.split('').reverse().join('')}` as const, personId, at: seq })),
    merges: [],
    profiles: [],
    drops: {},
  };
}

describe('SQLite state: the WAL stays bounded while writes continue', () => {
  it('truncates the WAL once it passes its limit, keeping every write', async () => {
    const file = path.join(tempDataDir(), 'state.sqlite');
    const store = new SqliteStateStore(file, { walTruncateAboveBytes: 256 * 1024 });
    try {
      await store.migrate();
      for (let seq = 1; seq <= 20; seq++) await store.applyBatch(batchOfNewPeople(seq, 500));
      const grown = fs.statSync(`${file}-wal`).size;
      assert.ok(grown > 256 * 1024, `the WAL grew to ${grown} bytes (the writer never checkpoints itself)`);
      await store.checkpoint();
      const after = fs.statSync(`${file}-wal`).size;
      assert.ok(after < 256 * 1024, `the WAL was truncated: ${grown} -> ${after} bytes`);
      assert.equal((await store.stats()).people, 10_000);
      assert.equal(await store.appliedBatchSeq('n1'), 20);
    } finally {
      await store.close();
    }
  });

  it('leaves a WAL under the limit to the passive checkpoint', async () => {
    const file = path.join(tempDataDir(), 'state.sqlite');
    const store = new SqliteStateStore(file, { walTruncateAboveBytes: 1024 * 1024 * 1024 });
    try {
      await store.migrate();
      for (let seq = 1; seq <= 5; seq++) await store.applyBatch(batchOfNewPeople(seq, 500));
      const before = fs.statSync(`${file}-wal`).size;
      await store.checkpoint();
      assert.equal(fs.statSync(`${file}-wal`).size, before, 'a passive checkpoint copies pages but keeps the file');
    } finally {
      await store.close();
    }
  });
});
