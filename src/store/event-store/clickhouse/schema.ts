import { EVENT_COLUMNS, type LogicalType } from '../columns.js';
import { identifier, sql, trustedSql, type Sql } from './sql-literals.js';

/**
 * Column types that ClickHouse 18.16 (Debian's package) already has, so one schema serves it and current
 * servers: no DateTime64 (times are Int64 epoch milliseconds), no Bool (UInt8), no LowCardinality (18.16
 * refuses it unless allow_experimental_low_cardinality_type = 1).
 */
const CLICKHOUSE_TYPES: Record<LogicalType, string> = {
  string: 'String',
  nullable_string: 'Nullable(String)',
  int: 'Int32',
  bigint: 'Int64',
  time: 'Int64',
  nullable_time: 'Nullable(Int64)',
  nullable_double: 'Nullable(Float64)',
  bool: 'UInt8',
};

/** Times come back as Int64 milliseconds already, so the select list is the bare column names. */
export const EVENT_SELECT_LIST = trustedSql(EVENT_COLUMNS.map((c) => c.name).join(', '));

export interface Tables {
  databaseName: string;
  database: Sql;
  events: Sql;
  personAliases: Sql;
  schemaMigrations: Sql;
}

/** Fully qualified table names: the client never sends a `database` setting, see connection.ts. */
export function tablesIn(database: string): Tables {
  const db = identifier(database);
  const table = (name: string) => trustedSql(`${db.text}.${identifier(name).text}`);
  return {
    databaseName: database,
    database: db,
    events: table('events'),
    personAliases: table('person_aliases'),
    schemaMigrations: table('schema_migrations'),
  };
}

export interface Migration {
  version: number;
  /**
   * One statement per request (the HTTP interface runs one query per call). ClickHouse DDL is not
   * transactional, so every statement is idempotent (IF NOT EXISTS): a migration interrupted halfway, or
   * run by two nodes at once, is simply run again.
   */
  statements: (tables: Tables) => Sql[];
  /**
   * Columns to add to `events` unless present: 18.16 has no ADD COLUMN IF NOT EXISTS, and a fresh store already
   * has every column from version 1 (built from EVENT_COLUMNS).
   */
  addEventColumns?: string[];
}

export function eventColumnType(name: string): string {
  const column = EVENT_COLUMNS.find((c) => c.name === name);
  if (!column) throw new Error(`no event column ${name}`);
  return CLICKHOUSE_TYPES[column.type];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    statements: (t) => [
      /*
       * ReplacingMergeTree on message_id collapses the rare duplicate (two nodes racing on one messageId,
       * or an append retried after a lost acknowledgement) in background merges; reads that must be exact
       * use FINAL. Partitions by month keep merges and retention (DROP PARTITION) cheap.
       */
      sql`CREATE TABLE IF NOT EXISTS ${t.events} (${trustedSql(
        EVENT_COLUMNS.map((c) => `${c.name} ${CLICKHOUSE_TYPES[c.type]}`).join(', '),
      )}) ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(toDateTime(intDiv(timestamp, 1000))) ORDER BY message_id`,
      /*
       * 18.16 has no UPDATE, so re-pointing an alias is a new row with a higher `version`; the newest
       * version of each from_person is the alias (read with FINAL). A row whose to_person equals its
       * from_person is a tombstone: that id is no longer merged away (see person-aliases.ts).
       */
      sql`CREATE TABLE IF NOT EXISTS ${t.personAliases} (from_person String, to_person String, merged_at Int64, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY from_person`,
    ],
  },
  { version: 2, statements: () => [], addEventColumns: ['session_id'] },
];

export function createMigrationsTable(t: Tables): Sql {
  // ReplacingMergeTree so two nodes migrating at once leave one row per version after merges.
  return sql`CREATE TABLE IF NOT EXISTS ${t.schemaMigrations} (version UInt32, applied_at Int64) ENGINE = ReplacingMergeTree ORDER BY version`;
}
