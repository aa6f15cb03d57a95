import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/store/state-store/postgres/migrations.js';
import { PostgresStateStore } from '../../src/store/state-store/postgres/state-store.js';
import type { StateBatch } from '../../src/store/state-store/port.js';
import { createPostgresDatabase, postgresStatement, TEST_PAIR } from '../support/stores.js';

const T0 = Date.UTC(2026, 0, 1);

function batch(seq: number, personId: string): StateBatch {
  return {
    nodeId: 'n1',
    batchSeq: seq,
    newPersons: [{ personId, createdAt: T0 }],
    links: [{ key: `user:${personId}`, personId, at: T0 }],
    merges: [],
    profiles: [],
    drops: {},
  };
}

async function onDatabase(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function columnsOf(url: string, table: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    return rows.map((r) => r.column_name);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL state store: upgrading an existing schema', { skip: TEST_PAIR !== 'scaleout' && 'scale-out pair only' }, () => {
  const databases: string[] = [];
  let url = '';

  before(async () => {
    const db = await createPostgresDatabase();
    databases.push(db.name);
    url = db.url;
  });

  after(async () => {
    for (const name of databases) await postgresStatement(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('brings a store at version 1 as first released to the current schema: the ingest lock and flushes work', async () => {
    const shipped = POSTGRES_MIGRATIONS.find((m) => m.version === 1)!;
    await onDatabase(url, [
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      shipped.sql,
      `INSERT INTO schema_migrations VALUES (1, '${shipped.name}', 0)`,
    ]);
    const store = await PostgresStateStore.open(url);
    try {
      await store.migrate();
      await store.withIngestLock(() => store.applyBatch(batch(1, 'p1')));
      assert.equal(await store.appliedBatchSeq('n1'), 1);
      assert.equal(await store.findPersonId({ userId: 'p1' }), 'p1');
      assert.deepEqual(await columnsOf(url, 'persons'), ['person_id', 'merged_into', 'created_at', 'email', 'traits', 'merge_count']);
      assert.deepEqual(await columnsOf(url, 'message_ids'), []);
      assert.deepEqual(await columnsOf(url, 'person_event_counts'), []);
    } finally {
      await store.close();
    }
  });

  it('runs the later migrations again harmlessly on a store that already has what they add', async () => {
    // A store made by a build that had ingest_epoch in version 1 and no activity columns: the same state.
    await onDatabase(url, ['DELETE FROM schema_migrations WHERE version > 2']);
    const store = await PostgresStateStore.open(url);
    try {
      await store.migrate();
      await store.withIngestLock(() => store.applyBatch(batch(2, 'p2')));
      assert.equal(await store.appliedBatchSeq('n1'), 2);
    } finally {
      await store.close();
    }
  });
});
