import type pg from 'pg';
import { identityKey, splitIdentityKey } from '../identity-key.js';
import type { IdentityKey, StateTable, StateTables } from '../port.js';
import { PERSON_COLUMN_ORDER, personRowParams } from '../person-columns.js';
import type { PersonDbRow } from './persons.js';

type Row = Record<string, unknown>;
type Element<T extends StateTable> = StateTables[T][number];

interface TableMapping<T extends StateTable> {
  name: string;
  /** Column list for SELECT and INSERT, in `types` order. */
  columns: string;
  /** PostgreSQL type of each column, for the unnest() arrays of a batched import. */
  types: string[];
  /** The primary key: export order (the same as sqlite/tables.ts) and the keyset-pagination cursor. */
  key: string[];
  toRow: (row: Row) => Element<T>;
  toParams: (row: Element<T>) => unknown[];
}


/** How each engine-neutral state table (port.ts StateTables) maps onto PostgreSQL, for `crumbtrail migrate`. */
export const POSTGRES_TABLES: { [T in StateTable]: TableMapping<T> } = {
  sources: {
    name: 'sources',
    columns: 'source_id, name, write_key, created_at',
    types: ['text', 'text', 'text', 'bigint'],
    key: ['source_id'],
    toRow: (r) => ({ sourceId: String(r.source_id), name: String(r.name), writeKey: String(r.write_key), createdAt: Number(r.created_at) }),
    toParams: (r) => [r.sourceId, r.name, r.writeKey, r.createdAt],
  },
  persons: {
    name: 'persons',
    columns: PERSON_COLUMN_ORDER,
    types: ['text', 'text', 'bigint', 'text', 'jsonb', 'integer'],
    key: ['person_id'],
    toRow: (raw) => {
      const r = raw as unknown as PersonDbRow;
      return {
        personId: r.person_id,
        mergedInto: r.merged_into,
        createdAt: r.created_at,
        email: r.email,
        traits: r.traits,
        mergeCount: r.merge_count,
      };
    },
    toParams: personRowParams,
  },
  identities: {
    name: 'identities',
    columns: 'kind, value, person_id, created_at',
    types: ['text', 'text', 'text', 'bigint'],
    key: ['kind', 'value'],
    toRow: (r) => ({ key: identityKey(r.kind as 'user' | 'anon', String(r.value)), personId: String(r.person_id), createdAt: Number(r.created_at) }),
    toParams: (r) => [...splitIdentityKey(r.key as IdentityKey), r.personId, r.createdAt],
  },
  dropCounts: {
    name: 'drop_counts',
    columns: 'reason, count',
    types: ['text', 'bigint'],
    key: ['reason'],
    toRow: (r) => ({ reason: String(r.reason), count: Number(r.count) }),
    toParams: (r) => [r.reason, r.count],
  },
  cursors: {
    name: 'ingest_cursors',
    columns: 'node_id, batch_seq',
    types: ['text', 'bigint'],
    key: ['node_id'],
    toRow: (r) => ({ nodeId: String(r.node_id), batchSeq: Number(r.batch_seq) }),
    toParams: (r) => [r.nodeId, r.batchSeq],
  },
  computedTraits: {
    name: 'computed_traits',
    columns: 'person_id, traits, updated_at',
    types: ['text', 'jsonb', 'bigint'],
    key: ['person_id'],
    toRow: (r) => ({ personId: String(r.person_id), traits: r.traits as Record<string, unknown>, updatedAt: Number(r.updated_at) }),
    toParams: (r) => [r.personId, JSON.stringify(r.traits), r.updatedAt],
  },
};

/**
 * Every row of `table` in primary-key order, a page at a time. Keyset pagination (WHERE key > last key) costs
 * one index range scan per page however deep the export is, where OFFSET would rescan everything before it.
 */
export async function* exportPages<T extends StateTable>(
  pool: pg.Pool,
  table: T,
  pageSize: number,
): AsyncIterable<StateTables[T]> {
  const mapping: TableMapping<T> = POSTGRES_TABLES[table];
  const key = mapping.key.join(', ');
  const after = `(${key}) > (${mapping.key.map((_, i) => `$${i + 2}`).join(', ')})`;
  let last: unknown[] | null = null;
  for (;;) {
    const { rows }: pg.QueryResult<Row> = await pool.query<Row>(
      `SELECT ${mapping.columns} FROM ${mapping.name} ${last ? `WHERE ${after}` : ''} ORDER BY ${key} LIMIT $1`,
      [pageSize, ...(last ?? [])],
    );
    if (rows.length > 0) yield rows.map(mapping.toRow) as StateTables[T];
    if (rows.length < pageSize) return;
    const lastRow: Row = rows[rows.length - 1]!;
    last = mapping.key.map((column): unknown => lastRow[column]);
  }
}

/** Insert exported rows as they are: one INSERT … SELECT FROM unnest for the whole page. */
export async function importPage<T extends StateTable>(pool: pg.Pool, table: T, rows: StateTables[T]): Promise<void> {
  if (rows.length === 0) return;
  const mapping: TableMapping<T> = POSTGRES_TABLES[table];
  const columns: unknown[][] = mapping.types.map(() => []);
  for (const row of rows as Element<T>[]) {
    mapping.toParams(row).forEach((value, i) => columns[i]!.push(value));
  }
  const arrays = mapping.types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  await pool.query(`INSERT INTO ${mapping.name} (${mapping.columns}) SELECT * FROM unnest(${arrays})`, columns);
}
