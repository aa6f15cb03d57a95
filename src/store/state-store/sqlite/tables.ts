import type { IdentityKey, StateTable, StateTables } from '../port.js';
import { identityKey, splitIdentityKey } from '../identity-key.js';
import { PERSON_COLUMN_ORDER, personRowParams } from '../person-columns.js';

type Row = Record<string, unknown>;
type Element<T extends StateTable> = StateTables[T][number];

interface TableMapping<T extends StateTable> {
  name: string;
  select: string;
  insert: string;
  toRow: (row: Row) => Element<T>;
  toParams: (row: Element<T>) => unknown[];
}

const parse = (v: unknown) => JSON.parse(String(v)) as Record<string, unknown>;

/** How each engine-neutral state table (port.ts StateTables) maps onto SQLite, for `crumbtrail migrate`. */
export const SQLITE_TABLES: { [T in StateTable]: TableMapping<T> } = {
  sources: {
    name: 'sources',
    select: 'SELECT * FROM sources ORDER BY source_id',
    insert: 'INSERT INTO sources (source_id, name, write_key, created_at) VALUES (?, ?, ?, ?)',
    toRow: (r) => ({ sourceId: String(r.source_id), name: String(r.name), writeKey: String(r.write_key), createdAt: Number(r.created_at) }),
    toParams: (r) => [r.sourceId, r.name, r.writeKey, r.createdAt],
  },
  persons: {
    name: 'persons',
    select: 'SELECT * FROM persons ORDER BY person_id',
    insert: `INSERT INTO persons (${PERSON_COLUMN_ORDER}) VALUES (?, ?, ?, ?, ?, ?)`,
    toRow: (r) => ({
      personId: String(r.person_id),
      mergedInto: r.merged_into === null ? null : String(r.merged_into),
      createdAt: Number(r.created_at),
      email: r.email === null ? null : String(r.email),
      traits: parse(r.traits),
      mergeCount: Number(r.merge_count),
    }),
    toParams: personRowParams,
  },
  identities: {
    name: 'identities',
    select: 'SELECT * FROM identities ORDER BY kind, value',
    insert: 'INSERT INTO identities (kind, value, person_id, created_at) VALUES (?, ?, ?, ?)',
    toRow: (r) => ({ key: identityKey(r.kind as 'user' | 'anon', String(r.value)), personId: String(r.person_id), createdAt: Number(r.created_at) }),
    toParams: (r) => [...splitIdentityKey(r.key as IdentityKey), r.personId, r.createdAt],
  },
  dropCounts: {
    name: 'drop_counts',
    select: 'SELECT * FROM drop_counts ORDER BY reason',
    insert: 'INSERT INTO drop_counts (reason, count) VALUES (?, ?)',
    toRow: (r) => ({ reason: String(r.reason), count: Number(r.count) }),
    toParams: (r) => [r.reason, r.count],
  },
  cursors: {
    name: 'ingest_cursors',
    select: 'SELECT * FROM ingest_cursors ORDER BY node_id',
    insert: 'INSERT INTO ingest_cursors (node_id, batch_seq) VALUES (?, ?)',
    toRow: (r) => ({ nodeId: String(r.node_id), batchSeq: Number(r.batch_seq) }),
    toParams: (r) => [r.nodeId, r.batchSeq],
  },
  computedTraits: {
    name: 'computed_traits',
    select: 'SELECT * FROM computed_traits ORDER BY person_id',
    insert: 'INSERT INTO computed_traits (person_id, traits, updated_at) VALUES (?, ?, ?)',
    toRow: (r) => ({ personId: String(r.person_id), traits: parse(r.traits), updatedAt: Number(r.updated_at) }),
    toParams: (r) => [r.personId, JSON.stringify(r.traits), r.updatedAt],
  },
};
