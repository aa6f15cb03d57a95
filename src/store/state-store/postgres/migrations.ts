import type pg from 'pg';
import { LOCK_CLASS } from './locks.js';

/**
 * Numbered plain-SQL migrations, applied in order at start, one transaction each. Never edit a shipped
 * migration: add the next number. The same logical tables as sqlite/migrations.ts, so `crumbtrail migrate`
 * copies rows between the two unchanged.
 *
 * - Times are BIGINT epoch milliseconds, like everywhere else in Crumbtrail.
 * - Identifier columns are COLLATE "C": byte order, as SQLite sorts, whatever the database's default locale is.
 *   Exports from both engines then come out in the same order, and the keys compare faster.
 * - traits are JSONB, so segments can be compiled to SQL over them.
 */
export const POSTGRES_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
      CREATE TABLE sources (
        source_id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL,
        write_key TEXT COLLATE "C" NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE persons (
        person_id TEXT COLLATE "C" PRIMARY KEY,
        merged_into TEXT COLLATE "C",
        created_at BIGINT NOT NULL,
        first_seen BIGINT,
        last_seen BIGINT,
        email TEXT COLLATE "C",
        traits JSONB NOT NULL DEFAULT '{}',
        context JSONB NOT NULL DEFAULT '{}',
        context_at BIGINT NOT NULL DEFAULT 0,
        first_touch JSONB,
        merge_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX persons_email ON persons (email) WHERE email IS NOT NULL;
      CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;
      CREATE TABLE identities (
        kind TEXT COLLATE "C" NOT NULL,
        value TEXT COLLATE "C" NOT NULL,
        person_id TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (kind, value)
      );
      -- (person_id, kind): a person's user ids in one index range; with (person_id) alone the planner of a young,
      -- not yet analysed table ANDs in a scan of every 'user' key of the primary key, 60x slower.
      CREATE INDEX identities_person ON identities (person_id, kind);
      CREATE TABLE person_event_counts (
        person_id TEXT COLLATE "C" NOT NULL,
        event TEXT COLLATE "C" NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (person_id, event)
      );
      CREATE TABLE message_ids (
        message_id TEXT COLLATE "C" PRIMARY KEY,
        received_at BIGINT NOT NULL
      );
      CREATE INDEX message_ids_received_at ON message_ids (received_at);
      CREATE TABLE drop_counts (
        reason TEXT COLLATE "C" PRIMARY KEY,
        count BIGINT NOT NULL
      );
      CREATE TABLE ingest_cursors (
        node_id TEXT COLLATE "C" PRIMARY KEY,
        batch_seq BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'computed_traits',
    sql: `
      -- Traits Crumbtrail computes (models, lifecycle), apart from identify traits so neither overwrites the other.
      CREATE TABLE computed_traits (
        person_id TEXT COLLATE "C" PRIMARY KEY,
        traits JSONB NOT NULL DEFAULT '{}',
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'ingest_epoch',
    // IF NOT EXISTS / DO NOTHING: stores created by development builds have it from an edited version 1.
    sql: `
      -- The ingest lock's fencing token (locks.ts): bumped by every new holder, checked by every state commit.
      CREATE TABLE IF NOT EXISTS ingest_epoch (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        epoch BIGINT NOT NULL
      );
      INSERT INTO ingest_epoch (id, epoch) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
    `,
  },
  {
    version: 4,
    name: 'drop_activity_and_message_ids',
    // Activity (first/last seen, event counts, context, first touch) is computed from the event log at read time
    // and deduplication asks the event log, so the state keeps ids and traits only. IF EXISTS: stores created by
    // development builds never had these.
    sql: `
      DROP TABLE IF EXISTS person_event_counts;
      DROP TABLE IF EXISTS message_ids;
      ALTER TABLE persons
        DROP COLUMN IF EXISTS first_seen,
        DROP COLUMN IF EXISTS last_seen,
        DROP COLUMN IF EXISTS context,
        DROP COLUMN IF EXISTS context_at,
        DROP COLUMN IF EXISTS first_touch;
    `,
  },
];

/**
 * Apply every pending migration. Each runs in its own transaction under a transaction-level advisory lock, so
 * when several nodes start at once one applies it and the others wait, then see it recorded and skip it
 * (two concurrent CREATE TABLE IF NOT EXISTS would race on the catalog).
 */
export async function runMigrations(client: pg.ClientBase): Promise<void> {
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS.migrations]);
      // Look before creating: CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when the table is there,
      // and an up-to-date database may be used by a role with DML rights only (docs/postgres.md).
      const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
      if (!rows[0]?.present) {
        await client.query(
          'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
        );
      }
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      const next = POSTGRES_MIGRATIONS.find((m) => !applied.has(m.version));
      if (!next) {
        await client.query('COMMIT');
        return;
      }
      await client.query(next.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        next.version,
        next.name,
        Date.now(),
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
}
