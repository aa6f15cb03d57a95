import type pg from 'pg';
import type { StoreHealth } from '../../health.js';
import { splitIdentityKey } from '../identity-key.js';
import type {
  ComputedTraitsRow,
  IdentityKey,
  PersonLookup,
  PersonSummary,
  Profile,
  Source,
  StateBatch,
  StateStats,
  StateStore,
  StateTable,
  StateTables,
} from '../port.js';
import { STATE_TABLES } from '../port.js';
import { COMPUTED_TRAITS_CHUNK, foldComputedTraits } from '../computed-traits.js';
import { applyBatchIn } from './apply-batch.js';
import { clientConfig, createPool, unreachable } from './connection.js';
import { claimNodeLock, IngestLock } from './locks.js';
import { runMigrations } from './migrations.js';
import { PERSON_COLUMN_ORDER } from '../person-columns.js';
import { toProfileRow, type PersonDbRow } from './persons.js';
import { exportPages, importPage, POSTGRES_TABLES } from './tables.js';

interface ProfileDbRow extends PersonDbRow {
  user_ids: string[];
  anonymous_ids: string[];
  merged_ids: string[];
  computed_traits: Record<string, unknown> | null;
}

/**
 * The scale-out state store: any PostgreSQL-compatible cluster with advisory locks, shared by every node of an
 * installation (docs/postgres.md). Profile rules come from profiles/profile-row.ts, as in the SQLite adapter;
 * this file only moves rows, a batch at a time.
 */
export class PostgresStateStore implements StateStore {
  readonly engine = 'postgres';
  private readonly ingestLock: IngestLock;
  private readonly claims = new Set<() => Promise<void>>();
  private lostClaim: string | null = null;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {
    this.ingestLock = new IngestLock(pool);
  }

  /** Connect, failing within seconds with the (password-less) URL when the server or database cannot be used. */
  static async open(url: string): Promise<PostgresStateStore> {
    const pool = createPool(url);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw unreachable(url, error);
    }
    return new PostgresStateStore(url, pool);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await runMigrations(client);
    } finally {
      client.release();
    }
  }

  async health(): Promise<StoreHealth> {
    if (this.lostClaim) return { engine: this.engine, ok: false, detail: this.lostClaim };
    try {
      await this.pool.query('SELECT 1');
      return { engine: this.engine, ok: true };
    } catch (error) {
      return { engine: this.engine, ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const release of [...this.claims]) await release().catch(() => {});
    await this.pool.end();
  }

  async upsertSource(source: Source): Promise<void> {
    await this.pool.query(
      `INSERT INTO sources (source_id, name, write_key, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source_id) DO UPDATE SET name = EXCLUDED.name, write_key = EXCLUDED.write_key`,
      [source.sourceId, source.name, source.writeKey, source.createdAt],
    );
  }

  async findSourceByWriteKey(writeKey: string): Promise<Source | null> {
    const { rows } = await this.pool.query<{ source_id: string; name: string; write_key: string; created_at: number }>(
      'SELECT source_id, name, write_key, created_at FROM sources WHERE write_key = $1',
      [writeKey],
    );
    const row = rows[0];
    return row ? { sourceId: row.source_id, name: row.name, writeKey: row.write_key, createdAt: row.created_at } : null;
  }

  async lookupIdentities(keys: IdentityKey[]): Promise<Map<IdentityKey, string>> {
    const found = new Map<IdentityKey, string>();
    if (keys.length === 0) return found;
    const kinds: string[] = [];
    const values: string[] = [];
    for (const key of keys) {
      const [kind, value] = splitIdentityKey(key);
      kinds.push(kind);
      values.push(value);
    }
    const { rows } = await this.pool.query<{ kind: string; value: string; person_id: string }>(
      `SELECT i.kind, i.value, i.person_id
         FROM unnest($1::text[], $2::text[]) AS k(kind, value)
         JOIN identities i ON i.kind = k.kind AND i.value = k.value`,
      [kinds, values],
    );
    for (const row of rows) found.set(`${row.kind}:${row.value}` as IdentityKey, row.person_id);
    return found;
  }

  async lookupPersons(personIds: string[]): Promise<Map<string, PersonSummary>> {
    const found = new Map<string, PersonSummary>();
    if (personIds.length === 0) return found;
    const { rows } = await this.pool.query<{ person_id: string; merge_count: number; user_ids: string[] }>(
      `SELECT p.person_id, p.merge_count,
              ARRAY(SELECT i.value FROM identities i WHERE i.person_id = p.person_id AND i.kind = 'user' ORDER BY i.value)
                AS user_ids
         FROM persons p
        WHERE p.person_id = ANY($1::text[]) AND p.merged_into IS NULL`,
      [personIds],
    );
    for (const row of rows) found.set(row.person_id, { personId: row.person_id, userIds: row.user_ids, mergeCount: row.merge_count });
    return found;
  }

  async appliedBatchSeq(nodeId: string): Promise<number> {
    const { rows } = await this.pool.query<{ batch_seq: number }>('SELECT batch_seq FROM ingest_cursors WHERE node_id = $1', [nodeId]);
    return rows[0]?.batch_seq ?? 0;
  }

  /** The whole batch is one transaction on one client: any failure rolls every part of it back. */
  async applyBatch(batch: StateBatch): Promise<void> {
    await this.inTransaction(async (client) => {
      await this.ingestLock.assertHeldIn(client);
      await applyBatchIn(client, batch);
    });
  }

  async findPersonId(lookup: PersonLookup): Promise<string | null> {
    if ('email' in lookup) {
      const { rows } = await this.pool.query<{ person_id: string }>(
        `SELECT person_id FROM persons WHERE email = $1 AND merged_into IS NULL
          ORDER BY created_at DESC, person_id LIMIT 1`,
        [lookup.email.trim().toLowerCase()],
      );
      return rows[0]?.person_id ?? null;
    }
    const [kind, value] = 'userId' in lookup ? ['user', lookup.userId] : ['anon', lookup.anonymousId];
    const { rows } = await this.pool.query<{ person_id: string }>(
      'SELECT person_id FROM identities WHERE kind = $1 AND value = $2',
      [kind, value],
    );
    return rows[0]?.person_id ?? null;
  }

  /** One round trip: the canonical row (following a merge) with its identities, merged ids and computed traits. */
  async getProfile(personId: string): Promise<Profile | null> {
    const { rows } = await this.pool.query<ProfileDbRow>(
      `SELECT ${PERSON_COLUMN_ORDER.split(', ').map((c) => `p.${c}`).join(', ')},
              ARRAY(SELECT i.value FROM identities i WHERE i.person_id = p.person_id AND i.kind = 'user'
                     ORDER BY i.created_at, i.value) AS user_ids,
              ARRAY(SELECT i.value FROM identities i WHERE i.person_id = p.person_id AND i.kind = 'anon'
                     ORDER BY i.created_at, i.value) AS anonymous_ids,
              ARRAY(SELECT m.person_id FROM persons m WHERE m.merged_into = p.person_id ORDER BY m.person_id) AS merged_ids,
              (SELECT c.traits FROM computed_traits c WHERE c.person_id = p.person_id) AS computed_traits
         FROM persons p
        WHERE p.person_id = (SELECT COALESCE(q.merged_into, q.person_id) FROM persons q WHERE q.person_id = $1)`,
      [personId],
    );
    const row = rows[0];
    if (!row) return null;
    const profile = toProfileRow(row);
    return {
      personId: row.person_id,
      userIds: row.user_ids,
      anonymousIds: row.anonymous_ids,
      mergedPersonIds: row.merged_ids,
      email: profile.email,
      traits: profile.traits,
      computedTraits: row.computed_traits ?? {},
      createdAt: row.created_at,
    };
  }

  /**
   * One transaction: resolve ids to canonical persons, fold rows per person (later rows win), then upsert in
   * COMPUTED_TRAITS_CHUNK-row statements whose jsonb `||` keeps the keys not given.
   */
  async setComputedTraits(rows: ComputedTraitsRow[], at: number): Promise<void> {
    if (rows.length === 0) return;
    await this.inTransaction(async (client) => {
      const ids = [...new Set(rows.map((r) => r.personId))];
      const canonical = new Map<string, string>();
      for (let start = 0; start < ids.length; start += COMPUTED_TRAITS_CHUNK) {
        const { rows: found } = await client.query<{ person_id: string; canonical: string }>(
          'SELECT person_id, COALESCE(merged_into, person_id) AS canonical FROM persons WHERE person_id = ANY($1::text[])',
          [ids.slice(start, start + COMPUTED_TRAITS_CHUNK)],
        );
        for (const r of found) canonical.set(r.person_id, r.canonical);
      }
      // Rows are locked in person order: two jobs writing traits at once (LTV scores and analytics traits, both
      // scheduled) would otherwise lock the same people in different orders and deadlock.
      const folded = [...foldComputedTraits(rows, canonical)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (let start = 0; start < folded.length; start += COMPUTED_TRAITS_CHUNK) {
        const chunk = folded.slice(start, start + COMPUTED_TRAITS_CHUNK);
        await client.query(
          `INSERT INTO computed_traits (person_id, traits, updated_at)
           SELECT u.person_id, u.traits, $2 FROM jsonb_to_recordset($1::jsonb) AS u(person_id text, traits jsonb)
           ON CONFLICT (person_id) DO UPDATE SET traits = computed_traits.traits || EXCLUDED.traits, updated_at = EXCLUDED.updated_at`,
          [JSON.stringify(chunk.map(([person_id, traits]) => ({ person_id, traits }))), at],
        );
      }
    });
  }

  /** `work` in one transaction on one client, rolled back whole if it throws. */
  private async inTransaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      // A connection that could not even roll back is broken: discard it rather than return it to the pool.
      client.release(rolledBack ? undefined : true);
      throw error;
    }
    client.release();
  }

  async listMerges(): Promise<{ from: string; to: string }[]> {
    const { rows } = await this.pool.query<{ person_id: string; merged_into: string }>(
      'SELECT person_id, merged_into FROM persons WHERE merged_into IS NOT NULL ORDER BY person_id',
    );
    return rows.map((r) => ({ from: r.person_id, to: r.merged_into }));
  }

  async stats(): Promise<StateStats> {
    const people = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM persons WHERE merged_into IS NULL');
    const drops = await this.pool.query<{ reason: string; count: number }>('SELECT reason, count FROM drop_counts ORDER BY reason');
    return { people: people.rows[0]?.n ?? 0, drops: Object.fromEntries(drops.rows.map((d) => [d.reason, d.count])) };
  }

  async claimNode(nodeId: string): Promise<() => Promise<void>> {
    const unlock = await claimNodeLock(clientConfig(this.url), nodeId, (lostId, error) => {
      // Another process may claim the id now; health() says so until the process restarts.
      this.lostClaim = `the connection holding node id "${lostId}" was lost (${error.message}); restart this process`;
    });
    const release = async () => {
      this.claims.delete(release);
      await unlock();
    };
    this.claims.add(release);
    return release;
  }

  withIngestLock<T>(work: () => Promise<T>): Promise<T> {
    return this.ingestLock.run(work);
  }

  exportTable<T extends StateTable>(table: T, pageSize: number): AsyncIterable<StateTables[T]> {
    return exportPages(this.pool, table, pageSize);
  }

  importRows<T extends StateTable>(table: T, rows: StateTables[T]): Promise<void> {
    return importPage(this.pool, table, rows);
  }

  async countRows(): Promise<Record<StateTable, number>> {
    const counts = STATE_TABLES.map((table) => `(SELECT count(*) FROM ${POSTGRES_TABLES[table].name}) AS "${table}"`);
    const { rows } = await this.pool.query<Record<StateTable, number>>(`SELECT ${counts.join(', ')}`);
    return rows[0]!;
  }
}
