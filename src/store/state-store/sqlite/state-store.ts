import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { MB, SECOND } from '../../../core/units.js';
import { applyProfileDelta, mergeProfileRows, type ProfileRow } from '../../../profiles/profile-row.js';
import type { StoreHealth } from '../../health.js';
import type {
  ComputedTraitsRow,
  IdentityKey,
  IdentityKind,
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
import { SqliteCheckpointer } from './checkpointer.js';
import { IdentityCache } from './identity-cache.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SQLITE_TABLES } from './tables.js';
import { identityKey, splitIdentityKey } from '../identity-key.js';
import { foldComputedTraits } from '../computed-traits.js';

const require = createRequire(import.meta.url);
const CHECKPOINT_EVERY_MS = 1 * SECOND;
/**
 * Under sustained ingestion a PASSIVE checkpoint never quite catches up with the writer, so SQLite never starts
 * the WAL over: bench:ingest left a 150 MB WAL beside an 18 MB database after 300,000 events (each flush rewrites
 * ~4 MB of B-tree pages with random keys). Past this size the checkpointer truncates it, which briefly makes the
 * next write wait; in bench:ingest at 1M events the WAL then stayed under ~60 MB at no measurable cost.
 */
const WAL_TRUNCATE_ABOVE_BYTES = 64 * MB;
/** Identity keys per lookup statement, and the few statement sizes a chunk is padded to (a cached statement each). */
const LOOKUP_CHUNK = 500;
const LOOKUP_SIZES = [1, 8, 64, 250, LOOKUP_CHUNK];
/** Identity keys kept in memory (~15 MB at most): a shop's active visitors and customers. */
const IDENTITY_CACHE_KEYS = 100_000;

interface PersonDbRow {
  person_id: string;
  merged_into: string | null;
  created_at: number;
  email: string | null;
  traits: string;
  merge_count: number;
}

/** The embedded state store: one SQLite file in WAL mode (better-sqlite3). */
export class SqliteStateStore implements StateStore {
  readonly engine = 'sqlite';
  private readonly db: Database.Database;
  private statements: ReturnType<typeof prepareStatements> | null = null;
  private readonly checkpointer: SqliteCheckpointer;
  private readonly lookupStatements = new Map<number, Database.Statement>();
  private readonly identityCache = new IdentityCache(IDENTITY_CACHE_KEYS);

  constructor(
    private readonly file: string,
    options: { walTruncateAboveBytes?: number } = {},
  ) {
    this.db = new Database(file);
    // WAL + synchronous=NORMAL: durable against process crashes; the event log is replayed for the rest.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('temp_store = MEMORY');
    // Checkpoints run on a worker thread (checkpointer.ts), not inside COMMIT on the ingest thread.
    this.db.pragma('wal_autocheckpoint = 0');
    const truncateAbove = options.walTruncateAboveBytes ?? WAL_TRUNCATE_ABOVE_BYTES;
    this.checkpointer = new SqliteCheckpointer(file, require.resolve('better-sqlite3'), CHECKPOINT_EVERY_MS, truncateAbove);
  }

  private get sql(): ReturnType<typeof prepareStatements> {
    if (!this.statements) throw new Error('SqliteStateStore.migrate() must run before use');
    return this.statements;
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, Date.now());
      })();
    }
    this.statements = prepareStatements(this.db);
  }

  async health(): Promise<StoreHealth> {
    try {
      this.db.prepare('SELECT 1').get();
      const failure = this.checkpointer.lastFailure;
      return failure === null ? { engine: this.engine, ok: true } : { engine: this.engine, ok: false, detail: `WAL checkpoints failing: ${failure}` };
    } catch (error) {
      return { engine: this.engine, ok: false, detail: (error as Error).message };
    }
  }

  /** Run the background checkpoint now (operations, tests); throws what made it fail. */
  async checkpoint(): Promise<void> {
    const failure = await this.checkpointer.runNow();
    if (failure !== null) throw new Error(`WAL checkpoint of ${this.file} failed: ${failure}`);
  }

  async close(): Promise<void> {
    await this.checkpointer.stop();
    if (this.db.open) this.db.close();
  }

  async upsertSource(source: Source): Promise<void> {
    this.sql.upsertSource.run(source.sourceId, source.name, source.writeKey, source.createdAt);
  }

  async findSourceByWriteKey(writeKey: string): Promise<Source | null> {
    const row = this.sql.sourceByWriteKey.get(writeKey) as
      | { source_id: string; name: string; write_key: string; created_at: number }
      | undefined;
    return row ? { sourceId: row.source_id, name: row.name, writeKey: row.write_key, createdAt: row.created_at } : null;
  }

  // Set-based: one statement per kind and up to LOOKUP_CHUNK keys, the values bound as parameters of an IN list
  // (one native call binds them all). One statement per key paid ~1 µs of call overhead each; a JSON array
  // through json_each cost ~1.5× this in a scratch measurement (3,000 keys over 80,000 identities).
  // Keys the identity cache holds are answered from it.
  async lookupIdentities(keys: IdentityKey[]): Promise<Map<IdentityKey, string>> {
    const found = new Map<IdentityKey, string>();
    const byKind: Record<IdentityKind, string[]> = { user: [], anon: [] };
    for (const key of keys) {
      const cached = this.identityCache.get(key);
      if (cached !== undefined) {
        found.set(key, cached);
        continue;
      }
      const [kind, value] = splitIdentityKey(key);
      byKind[kind].push(value);
    }
    for (const kind of ['user', 'anon'] as const) {
      const values = byKind[kind];
      for (let start = 0; start < values.length; start += LOOKUP_CHUNK) {
        const chunk = values.slice(start, start + LOOKUP_CHUNK);
        const size = LOOKUP_SIZES.find((n) => n >= chunk.length)!;
        // Pad with the last value to one of a few statement sizes: a repeated IN value matches nothing new.
        while (chunk.length < size) chunk.push(chunk[chunk.length - 1]!);
        for (const row of this.identityLookup(size).all(kind, ...chunk) as { value: string; person_id: string }[]) {
          const key = identityKey(kind, row.value);
          found.set(key, row.person_id);
          this.identityCache.set(key, row.person_id);
        }
      }
    }
    return found;
  }

  private identityLookup(size: number): Database.Statement {
    let statement = this.lookupStatements.get(size);
    if (!statement) {
      statement = this.db.prepare(`SELECT value, person_id FROM identities WHERE kind = ? AND value IN (${Array(size).fill('?').join(', ')})`);
      this.lookupStatements.set(size, statement);
    }
    return statement;
  }

  async lookupPersons(personIds: string[]): Promise<Map<string, PersonSummary>> {
    const found = new Map<string, PersonSummary>();
    for (const personId of personIds) {
      const row = this.sql.personSummary.get(personId) as { merge_count: number; user_ids: string | null } | undefined;
      if (!row) continue;
      const userIds = row.user_ids === null ? [] : row.user_ids.split('\u001f').sort();
      found.set(personId, { personId, userIds, mergeCount: row.merge_count });
    }
    return found;
  }

  async appliedBatchSeq(nodeId: string): Promise<number> {
    const row = this.sql.cursor.get(nodeId) as { batch_seq: number } | undefined;
    return row?.batch_seq ?? 0;
  }

  async applyBatch(batch: StateBatch): Promise<void> {
    const sql = this.sql;
    this.db.transaction(() => {
      for (const { personId, createdAt } of batch.newPersons) sql.insertPerson.run(personId, createdAt);
      for (const { key, personId, at } of batch.links) {
        const [kind, value] = splitIdentityKey(key);
        sql.insertIdentity.run(kind, value, personId, at);
      }
      for (const merge of batch.merges) this.mergePersons(merge.from, merge.to);
      for (const delta of batch.profiles) {
        const stored = sql.person.get(delta.personId) as PersonDbRow | undefined;
        if (!stored) throw new Error(`applyBatch: person ${delta.personId} does not exist`);
        const next = applyProfileDelta(toProfileRow(stored), delta);
        const traits = JSON.stringify(next.traits);
        // Clients repeat identify with the same traits on every page load: leave those rows (and pages) alone.
        if (traits !== stored.traits || next.email !== stored.email) sql.updatePerson.run(next.email, traits, next.mergeCount, delta.personId);
      }
      for (const [reason, count] of Object.entries(batch.drops)) if (count) sql.addDrops.run(reason, count);
      sql.setCursor.run(batch.nodeId, batch.batchSeq);
    })();
    // Committed: the cache follows, in the transaction's order (links, then merges re-pointing them).
    for (const { key, personId } of batch.links) this.identityCache.set(key, personId);
    for (const merge of batch.merges) this.identityCache.merged(merge.from, merge.to);
  }

  private mergePersons(from: string, to: string): void {
    const sql = this.sql;
    const survivor = this.readRow(to);
    const absorbed = this.readRow(from);
    if (!survivor || !absorbed) throw new Error(`merge ${from} -> ${to}: person missing`);
    this.writeRow(to, mergeProfileRows(survivor, absorbed));
    sql.repointIdentities.run(to, from);
    sql.repointMerged.run(to, from);
    sql.markMerged.run(to, from);
  }

  private readRow(personId: string): ProfileRow | null {
    const row = this.sql.person.get(personId) as PersonDbRow | undefined;
    return row ? toProfileRow(row) : null;
  }

  private writeRow(personId: string, row: ProfileRow): void {
    this.sql.updatePerson.run(row.email, JSON.stringify(row.traits), row.mergeCount, personId);
  }

  async listMerges(): Promise<{ from: string; to: string }[]> {
    return (this.sql.merges.all() as { person_id: string; merged_into: string }[]).map((r) => ({ from: r.person_id, to: r.merged_into }));
  }

  async findPersonId(lookup: PersonLookup): Promise<string | null> {
    if ('email' in lookup) {
      const row = this.sql.personByEmail.get(lookup.email.trim().toLowerCase()) as { person_id: string } | undefined;
      return row?.person_id ?? null;
    }
    const [kind, value] = 'userId' in lookup ? ['user', lookup.userId] : ['anon', lookup.anonymousId];
    const row = this.sql.identity.get(kind, value) as { person_id: string } | undefined;
    return row?.person_id ?? null;
  }

  async getProfile(personId: string): Promise<Profile | null> {
    let row = this.sql.person.get(personId) as PersonDbRow | undefined;
    if (row?.merged_into) row = this.sql.person.get(row.merged_into) as PersonDbRow | undefined;
    if (!row) return null;
    const identities = this.sql.identitiesOf.all(row.person_id) as { kind: string; value: string }[];
    const profile = toProfileRow(row);
    return {
      personId: row.person_id,
      userIds: identities.filter((i) => i.kind === 'user').map((i) => i.value),
      anonymousIds: identities.filter((i) => i.kind === 'anon').map((i) => i.value),
      mergedPersonIds: (this.sql.mergedInto.all(row.person_id) as { person_id: string }[]).map((r) => r.person_id),
      email: profile.email,
      traits: profile.traits,
      computedTraits: this.readComputedTraits(row.person_id) ?? {},
      createdAt: row.created_at,
    };
  }

  private readComputedTraits(personId: string): Record<string, unknown> | null {
    const row = this.sql.computedTraits.get(personId) as { traits: string } | undefined;
    return row ? (JSON.parse(row.traits) as Record<string, unknown>) : null;
  }

  // One transaction for the whole call: SQLite does ~100k single-row statements a second inside one, and the
  // read-merge-write keeps keys not given (and a JSON null given) exactly as the PostgreSQL adapter does.
  async setComputedTraits(rows: ComputedTraitsRow[], at: number): Promise<void> {
    const sql = this.sql;
    this.db.transaction(() => {
      const canonical = new Map<string, string>();
      for (const { personId } of rows) {
        if (canonical.has(personId)) continue;
        const found = sql.canonicalPerson.get(personId) as { person_id: string } | undefined;
        if (found) canonical.set(personId, found.person_id);
      }
      for (const [personId, traits] of foldComputedTraits(rows, canonical)) {
        const merged = { ...(this.readComputedTraits(personId) ?? {}), ...traits };
        sql.upsertComputedTraits.run(personId, JSON.stringify(merged), at);
      }
    })();
  }

  async claimNode(): Promise<() => Promise<void>> {
    // One process owns an embedded data folder (DuckDB's file lock enforces it): nothing to claim.
    return async () => {};
  }

  async withIngestLock<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async *exportTable<T extends StateTable>(table: T, pageSize: number): AsyncIterable<StateTables[T]> {
    const { select, toRow } = SQLITE_TABLES[table];
    let page: unknown[] = [];
    for (const row of this.db.prepare(select).iterate()) {
      page.push(toRow(row as Record<string, unknown>));
      if (page.length >= pageSize) {
        yield page as StateTables[T];
        page = [];
      }
    }
    if (page.length > 0) yield page as StateTables[T];
  }

  async importRows<T extends StateTable>(table: T, rows: StateTables[T]): Promise<void> {
    this.identityCache.clear(); // rows written around applyBatch
    const { insert, toParams } = SQLITE_TABLES[table];
    const statement = this.db.prepare(insert);
    this.db.transaction(() => {
      for (const row of rows) statement.run(...toParams(row as never));
    })();
  }

  async countRows(): Promise<Record<StateTable, number>> {
    const counts = {} as Record<StateTable, number>;
    for (const table of STATE_TABLES) {
      counts[table] = (this.db.prepare(`SELECT count(*) AS n FROM ${SQLITE_TABLES[table].name}`).get() as { n: number }).n;
    }
    return counts;
  }

  async stats(): Promise<StateStats> {
    const people = (this.sql.countPeople.get() as { n: number }).n;
    const drops = this.sql.drops.all() as { reason: string; count: number }[];
    return { people, drops: Object.fromEntries(drops.map((d) => [d.reason, d.count])) };
  }
}

function toProfileRow(row: PersonDbRow): ProfileRow {
  return { email: row.email, traits: JSON.parse(row.traits) as Record<string, unknown>, mergeCount: row.merge_count };
}

function prepareStatements(db: Database.Database) {
  return {
    upsertSource: db.prepare(
      `INSERT INTO sources (source_id, name, write_key, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(source_id) DO UPDATE SET name = excluded.name, write_key = excluded.write_key`,
    ),
    sourceByWriteKey: db.prepare('SELECT * FROM sources WHERE write_key = ?'),
    identity: db.prepare('SELECT person_id FROM identities WHERE kind = ? AND value = ?'),
    identitiesOf: db.prepare('SELECT kind, value FROM identities WHERE person_id = ? ORDER BY created_at, value'),
    insertIdentity: db.prepare('INSERT INTO identities (kind, value, person_id, created_at) VALUES (?, ?, ?, ?)'),
    repointIdentities: db.prepare('UPDATE identities SET person_id = ? WHERE person_id = ?'),
    person: db.prepare('SELECT * FROM persons WHERE person_id = ?'),
    personByEmail: db.prepare(
      'SELECT person_id FROM persons WHERE email = ? AND merged_into IS NULL ORDER BY created_at DESC, person_id LIMIT 1',
    ),
    personSummary: db.prepare(
      `SELECT p.merge_count, (SELECT group_concat(i.value, char(31)) FROM identities i WHERE i.person_id = p.person_id AND i.kind = 'user') AS user_ids
       FROM persons p WHERE p.person_id = ? AND p.merged_into IS NULL`,
    ),
    insertPerson: db.prepare('INSERT INTO persons (person_id, created_at) VALUES (?, ?)'),
    updatePerson: db.prepare('UPDATE persons SET email = ?, traits = ?, merge_count = ? WHERE person_id = ?'),
    markMerged: db.prepare(
      `UPDATE persons SET merged_into = ?, traits = '{}', email = NULL WHERE person_id = ?`,
    ),
    repointMerged: db.prepare('UPDATE persons SET merged_into = ? WHERE merged_into = ?'),
    mergedInto: db.prepare('SELECT person_id FROM persons WHERE merged_into = ? ORDER BY person_id'),
    merges: db.prepare('SELECT person_id, merged_into FROM persons WHERE merged_into IS NOT NULL ORDER BY person_id'),
    addDrops: db.prepare(
      `INSERT INTO drop_counts (reason, count) VALUES (?, ?)
       ON CONFLICT(reason) DO UPDATE SET count = count + excluded.count`,
    ),
    drops: db.prepare('SELECT reason, count FROM drop_counts ORDER BY reason'),
    countPeople: db.prepare('SELECT count(*) AS n FROM persons WHERE merged_into IS NULL'),
    cursor: db.prepare('SELECT batch_seq FROM ingest_cursors WHERE node_id = ?'),
    canonicalPerson: db.prepare('SELECT COALESCE(merged_into, person_id) AS person_id FROM persons WHERE person_id = ?'),
    computedTraits: db.prepare('SELECT traits FROM computed_traits WHERE person_id = ?'),
    upsertComputedTraits: db.prepare(
      `INSERT INTO computed_traits (person_id, traits, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(person_id) DO UPDATE SET traits = excluded.traits, updated_at = excluded.updated_at`,
    ),
    setCursor: db.prepare(
      `INSERT INTO ingest_cursors (node_id, batch_seq) VALUES (?, ?)
       ON CONFLICT(node_id) DO UPDATE SET batch_seq = excluded.batch_seq`,
    ),
  };
}
