import type pg from 'pg';
import { applyProfileDelta } from '../../../profiles/profile-row.js';
import { splitIdentityKey } from '../identity-key.js';
import type { StateBatch } from '../port.js';
import { lockPersons, mergePersons, writePersons } from './persons.js';

/**
 * One batch's changes, in the order the SQLite adapter applies them, inside the caller's transaction. A flush
 * carries up to 10,000 events, so every step is one statement over arrays (unnest / ANY) whatever the batch
 * size; only merges, which are rare and must apply in order, go one at a time.
 */
export async function applyBatchIn(client: pg.ClientBase, batch: StateBatch): Promise<void> {
  await insertPersons(client, batch.newPersons);
  await insertLinks(client, batch.links);
  for (const merge of batch.merges) await mergePersons(client, merge.from, merge.to);
  await applyProfiles(client, batch.profiles);
  await addDrops(client, batch.drops);
  await client.query(
    `INSERT INTO ingest_cursors (node_id, batch_seq) VALUES ($1, $2)
     ON CONFLICT (node_id) DO UPDATE SET batch_seq = EXCLUDED.batch_seq`,
    [batch.nodeId, batch.batchSeq],
  );
}

/**
 * Persons and links are plain INSERTs, like SQLite's: person ids are derived from (node, batch, identity) and
 * links are made only for unlinked identities, so a conflict means the batch disagrees with the stored graph,
 * and the batch must fail rather than keep a stale link silently.
 */
async function insertPersons(client: pg.ClientBase, persons: StateBatch['newPersons']): Promise<void> {
  if (persons.length === 0) return;
  await client.query('INSERT INTO persons (person_id, created_at) SELECT * FROM unnest($1::text[], $2::bigint[])', [
    persons.map((p) => p.personId),
    persons.map((p) => p.createdAt),
  ]);
}

async function insertLinks(client: pg.ClientBase, links: StateBatch['links']): Promise<void> {
  if (links.length === 0) return;
  const kinds: string[] = [];
  const values: string[] = [];
  for (const { key } of links) {
    const [kind, value] = splitIdentityKey(key);
    kinds.push(kind);
    values.push(value);
  }
  await client.query(
    `INSERT INTO identities (kind, value, person_id, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`,
    [kinds, values, links.map((l) => l.personId), links.map((l) => l.at)],
  );
}

/** Read every touched person once (locked), fold the deltas in order with profile-row.ts, write them back once. */
async function applyProfiles(client: pg.ClientBase, deltas: StateBatch['profiles']): Promise<void> {
  if (deltas.length === 0) return;
  const rows = await lockPersons(client, [...new Set(deltas.map((d) => d.personId))]);
  for (const delta of deltas) {
    const row = rows.get(delta.personId);
    if (!row) throw new Error(`applyBatch: person ${delta.personId} does not exist`);
    rows.set(delta.personId, applyProfileDelta(row, delta));
  }
  await writePersons(client, rows);
}


async function addDrops(client: pg.ClientBase, drops: StateBatch['drops']): Promise<void> {
  const entries = Object.entries(drops).filter((entry): entry is [string, number] => Boolean(entry[1]));
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO drop_counts (reason, count) SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (reason) DO UPDATE SET count = drop_counts.count + EXCLUDED.count`,
    [entries.map(([reason]) => reason), entries.map(([, count]) => count)],
  );
}
