/**
 * Numbered plain-SQL migrations, applied in order at start inside one transaction each. Never edit a shipped
 * migration: add the next number.
 */
export const SQLITE_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
      CREATE TABLE sources (
        source_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        write_key TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE persons (
        person_id TEXT PRIMARY KEY,
        merged_into TEXT,
        created_at INTEGER NOT NULL,
        email TEXT,
        traits TEXT NOT NULL DEFAULT '{}',
        merge_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX persons_email ON persons(email) WHERE email IS NOT NULL;
      CREATE INDEX persons_merged_into ON persons(merged_into) WHERE merged_into IS NOT NULL;
      CREATE TABLE identities (
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        person_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (kind, value)
      ) WITHOUT ROWID;
      CREATE INDEX identities_person ON identities(person_id);
      CREATE TABLE drop_counts (
        reason TEXT PRIMARY KEY,
        count INTEGER NOT NULL
      );
      CREATE TABLE ingest_cursors (
        node_id TEXT PRIMARY KEY,
        batch_seq INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'computed_traits',
    sql: `
      -- Traits Crumbtrail computes (models, lifecycle), apart from identify traits so neither overwrites the other.
      CREATE TABLE computed_traits (
        person_id TEXT PRIMARY KEY,
        traits TEXT NOT NULL DEFAULT '{}',
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
