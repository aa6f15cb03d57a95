import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  listValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { StoredEvent } from '../../../core/events.js';
import type { StoreHealth } from '../../health.js';
import { DuckDbAnalyticsReader } from './analytics-reader.js';
import { DuckDbLogWriter } from './log-writer.js';
import { MessageIdFilter } from './message-id-filter.js';
import { asEventBatch, type AppendInput } from '../encoded/event-batch.js';
import { EVENT_COLUMNS, rowToStoredEvent, type EventRow, type LogicalType } from '../columns.js';
import { activityFromRows, COUNTED_NAME_SQL, FIRST_TOUCH_SELECT, FIRST_TOUCH_WHERE } from '../activity.js';
import { ACTIVITY_CONTEXT_FIELDS, type EventStore, type PersonActivity, type PersonMerge, type TimelineQuery } from '../port.js';

/**
 * DuckDB's buffer pool while no analytic query runs. Its default is 80% of RAM; an embedded default shares the
 * machine with everything else, and this limit is most of the server's native memory (bench:ingest at 1M events
 * peaks at ~378 MB RSS with 80 MB, ~395 MB with 96 MB, ~415–430 MB with 128 MB, at the same throughput). Not
 * lower: a checkpoint needs room for the rows it rewrites, and at 48 MB (with 32 MB checkpoints) loading the demo
 * history failed a checkpoint ("failed to pin block") and DuckDB invalidated the database until a restart. 64 MB
 * passed every test; 80 MB keeps a quarter again in hand, 2.5× the checkpoint threshold.
 */
const DUCKDB_MEMORY_LIMIT = '80MB';
/**
 * DuckDB checkpoints (writes what was committed since the last one into compressed storage, rewriting the table's
 * newest, partly filled row group) whenever the WAL passes this. Its default, 16 MB, is ~40,000 events of
 * bench/ingest (~390 bytes of WAL each), and the checkpoints' cost grows with the table: at 32 MB, over 1M events,
 * DuckDB spent 10.4 µs per event committing against 4.8 µs over the first 300,000. 128 MB (~330,000 events) cut
 * the server's CPU from ~42 to ~35 µs per event and p99 latency from ~1.5 s to ~0.7 s at 1M and 2M events, at the
 * same peak RSS; 256 MB gained little more and peaked at 401 MB over 2M. The price is a longer WAL replay after a
 * crash: ~1.3 s for 128 MB (2.7 s measured for 255 MB), not durability.
 */
const DUCKDB_CHECKPOINT_THRESHOLD = '128MB';
/** The messageId filter starts sized for this many ids (2 MB) and doubles when it fills. */
const MESSAGE_ID_FILTER_MIN_CAPACITY = 1_000_000;

export interface DuckDbEventStoreOptions {
  /** Smallest capacity of the in-memory messageId filter (tests make it small to exercise its rebuild). */
  messageIdFilterMinCapacity?: number;
  /** The buffer pool while analytic queries run, in MB (config queryMemoryMb). */
  queryMemoryMb?: number;
}
/**
 * The buffer pool while analytic queries run (src/analytics), unless configured (config queryMemoryMb): per-person
 * aggregates over a year of a shop's history cannot spill to disk. At 10M events (bench:analytics) every kind fits
 * in 160 MB once the largest run in passes (Dialect.memoryPasses). DuckDB fills whatever limit it has with cached
 * blocks, hash tables and sort runs, so this sets the server's peak: ~680 MB at 320 MB, ~500 MB at 192 MB, ~440 MB
 * at 160 MB, where the funnel takes ~740 ms instead of ~700 ms and paths ~4.1 s instead of ~3.7 s.
 */
const DUCKDB_QUERY_MEMORY_MB = 160;

const DUCKDB_TYPES: Record<LogicalType, string> = {
  string: 'VARCHAR NOT NULL',
  nullable_string: 'VARCHAR',
  int: 'INTEGER NOT NULL',
  bigint: 'BIGINT NOT NULL',
  // TIMESTAMP (µs) rather than TIMESTAMP_MS: the µs are written straight into the vector (event-chunks.ts), and a
  // database created before has this type already.
  time: 'TIMESTAMP NOT NULL',
  nullable_time: 'TIMESTAMP',
  nullable_double: 'DOUBLE',
  bool: 'BOOLEAN NOT NULL',
};

const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (${EVENT_COLUMNS.map((c) => `${c.name} ${DUCKDB_TYPES[c.type]}`).join(', ')});
      CREATE TABLE person_aliases (from_person VARCHAR PRIMARY KEY, to_person VARCHAR NOT NULL, merged_at TIMESTAMP_MS NOT NULL);
    `,
  },
  // Fresh stores already have it from version 1 (built from EVENT_COLUMNS), hence IF NOT EXISTS.
  { version: 2, sql: 'ALTER TABLE events ADD COLUMN IF NOT EXISTS session_id VARCHAR' },
];

/** Read timestamps back as epoch milliseconds so every engine returns the same row shape. */
const SELECT_COLUMNS = EVENT_COLUMNS.map((c) =>
  c.type === 'time' || c.type === 'nullable_time' ? `epoch_ms(${c.name}) AS ${c.name}` : c.name,
).join(', ');

/**
 * The embedded event log: one DuckDB file. Writes go through the Appender (one commit per batch, ~10x
 * faster than INSERT VALUES); reads use a second connection so queries never wait behind an append.
 */
export class DuckDbEventStore implements EventStore {
  readonly engine = 'duckdb';
  readonly analytics: DuckDbAnalyticsReader;
  /** Every messageId in the log received at or after `filterSince`, plus any this process appended (see seenMessageIds). */
  private idFilter: MessageIdFilter | null = null;
  private filterSince = Number.POSITIVE_INFINITY;
  private filterLoading: Promise<void> | null = null;
  /** Batches between "ids added to the filter" and "committed", so a filter built meanwhile gets their ids too. */
  private readonly appending = new Set<readonly string[]>();
  /** Every write goes through the writer connection, one after another. */
  private readonly log: DuckDbLogWriter;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    private readonly filterMinCapacity: number,
    queryMemoryMb: number,
  ) {
    this.log = new DuckDbLogWriter(writer);
    this.analytics = new DuckDbAnalyticsReader(() => this.reader, () => this.instance.connect(), {
      base: DUCKDB_MEMORY_LIMIT,
      query: `${queryMemoryMb}MB`,
    });
  }

  static async open(file: string, options: DuckDbEventStoreOptions = {}): Promise<DuckDbEventStore> {
    // DuckDB's default memory limit is 80% of RAM; an embedded default shares the machine with everything else.
    const instance = await DuckDBInstance.create(file, { memory_limit: DUCKDB_MEMORY_LIMIT, checkpoint_threshold: DUCKDB_CHECKPOINT_THRESHOLD });
    const filterMinCapacity = options.messageIdFilterMinCapacity ?? MESSAGE_ID_FILTER_MIN_CAPACITY;
    const queryMemoryMb = options.queryMemoryMb ?? DUCKDB_QUERY_MEMORY_MB;
    return new DuckDbEventStore(instance, await instance.connect(), await instance.connect(), filterMinCapacity, queryMemoryMb);
  }

  async migrate(): Promise<void> {
    await this.writer.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP_MS NOT NULL)');
    const applied = await this.rows('SELECT version FROM schema_migrations', [], this.writer);
    const done = new Set(applied.map((r) => Number(r.version)));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await this.log.transaction(async (writer) => {
        await writer.run(migration.sql);
        await writer.run('INSERT INTO schema_migrations VALUES ($1, now())', [migration.version]);
      });
    }
  }

  prepareAppend(): void {
    this.log.prepareAppend();
  }

  async append(events: AppendInput, whileDurable?: () => Promise<void>): Promise<void> {
    const batch = asEventBatch(events);
    if (batch.count === 0) return this.log.append(batch, whileDurable);
    // Before the commit: a filter may hold ids the log does not (harmless, the exact query decides), never the reverse.
    const filter = this.idFilter;
    if (filter) for (const id of batch.messageIds) filter.add(id);
    this.appending.add(batch.messageIds);
    try {
      await this.log.append(batch, whileDurable);
    } finally {
      this.appending.delete(batch.messageIds);
    }
  }

  async seenMessageIds(messageIds: string[], since: number): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    while (this.filterLoading) await this.filterLoading; // one load at a time: a second would race the first
    if (!this.idFilter || this.idFilter.full) {
      this.filterLoading = this.loadIdFilter(since).finally(() => (this.filterLoading = null));
      await this.filterLoading;
    }
    // The filter holds the log's ids from filterSince on; a window reaching further back asks the log about all.
    const filter = this.idFilter;
    const candidates = filter && since >= this.filterSince ? messageIds.filter((id) => filter.mayContain(id)) : messageIds;
    if (candidates.length === 0) return new Set();
    return this.seenInLog(candidates, since);
  }

  /**
   * (Re)builds the filter from the log's ids in the window. The new filter is in place, holding the ids of every
   * append still in flight, before the scan starts: an append committed earlier is in the scan, any other is in
   * the filter (append() adds its ids before committing).
   */
  private async loadIdFilter(since: number): Promise<void> {
    const windowSql = 'FROM events WHERE received_at >= $1';
    const sinceValue = new DuckDBTimestampMillisecondsValue(BigInt(since));
    const [count] = await this.rows(`SELECT count(*) AS n ${windowSql}`, [sinceValue]);
    // Twice the window's ids: room for as many again before the next rebuild, so memory follows the window.
    const filter = new MessageIdFilter(Math.max(this.filterMinCapacity, 2 * Number(count?.n ?? 0)));
    this.idFilter = filter;
    for (const ids of this.appending) for (const id of ids) filter.add(id);
    this.filterSince = Number.POSITIVE_INFINITY; // unusable until the scan is complete
    try {
      // A connection of its own: another query on the reader would end this stream early, without an error.
      const connection = await this.instance.connect();
      try {
        const result = await connection.stream(`SELECT message_id ${windowSql}`, [sinceValue]);
        for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          for (const id of chunk.getColumnValues(0)) filter.add(String(id));
        }
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      if (this.idFilter === filter) this.idFilter = null; // half-loaded: build it again next time
      throw error;
    }
    if (this.idFilter === filter) this.filterSince = since;
  }

  private async seenInLog(messageIds: string[], since: number): Promise<Set<string>> {
    // Runs on DuckDB's threads (the event loop only waits); received_at's zone maps skip row groups older than
    // the window, so the scan covers the window, not the whole log.
    const rows = await this.rows(
      'SELECT message_id FROM events WHERE received_at >= $1 AND message_id IN (SELECT unnest($2))',
      [new DuckDBTimestampMillisecondsValue(BigInt(since)), listValue(messageIds)],
    );
    return new Set(rows.map((r) => String(r.message_id)));
  }

  async recordMerges(merges: PersonMerge[]): Promise<void> {
    if (merges.length === 0) return;
    await this.log.transaction(async (writer) => {
      for (const merge of merges) {
        // Keep the aliases flat: everything that pointed at the absorbed person now points at the survivor.
        await writer.run('UPDATE person_aliases SET to_person = $1 WHERE to_person = $2', [merge.to, merge.from]);
        await writer.run('INSERT OR REPLACE INTO person_aliases VALUES ($1, $2, $3)', [
          merge.from,
          merge.to,
          new DuckDBTimestampMillisecondsValue(BigInt(merge.at)),
        ]);
      }
    });
  }

  async resolveAliases(personIds: string[]): Promise<Map<string, string>> {
    if (personIds.length === 0) return new Map();
    const ids = personIds.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.rows(`SELECT from_person, to_person FROM person_aliases WHERE from_person IN (${ids})`, personIds);
    return new Map(rows.map((r) => [String(r.from_person), String(r.to_person)]));
  }

  async maxBatchSeq(nodeId: string): Promise<number> {
    const [row] = await this.rows('SELECT coalesce(max(batch_seq), 0) AS seq FROM events WHERE node_id = $1', [nodeId]);
    return Number(row?.seq ?? 0);
  }

  async *batchesAfter(nodeId: string, afterSeq: number): AsyncIterable<{ batchSeq: number; events: StoredEvent[] }> {
    const seqs = await this.rows(
      'SELECT DISTINCT batch_seq FROM events WHERE node_id = $1 AND batch_seq > $2 ORDER BY batch_seq',
      [nodeId, afterSeq],
    );
    for (const { batch_seq } of seqs) {
      const rows = await this.rows(
        `SELECT ${SELECT_COLUMNS} FROM events WHERE node_id = $1 AND batch_seq = $2 ORDER BY batch_pos`,
        [nodeId, Number(batch_seq)],
      );
      yield { batchSeq: Number(batch_seq), events: rows.map(rowToStoredEvent) };
    }
  }

  async nodeIds(): Promise<string[]> {
    const rows = await this.rows('SELECT DISTINCT node_id FROM events ORDER BY node_id');
    return rows.map((r) => String(r.node_id));
  }

  async listAliases(): Promise<PersonMerge[]> {
    const rows = await this.rows('SELECT from_person, to_person, epoch_ms(merged_at) AS at FROM person_aliases ORDER BY from_person');
    return rows.map((r) => ({ from: String(r.from_person), to: String(r.to_person), at: Number(r.at) }));
  }

  async personActivity(personIds: string[]): Promise<PersonActivity | null> {
    if (personIds.length === 0) return null;
    const ids = personIds.map((_, i) => `$${i + 1}`).join(', ');
    const counts = await this.rows(
      `SELECT ${COUNTED_NAME_SQL} AS name, count(*) AS n, epoch_ms(min(timestamp)) AS first, epoch_ms(max(timestamp)) AS last
       FROM events WHERE person_id IN (${ids}) GROUP BY 1`,
      personIds,
    );
    if (counts.length === 0) return null;
    const latest = Object.entries(ACTIVITY_CONTEXT_FIELDS)
      .map(([key, column]) => `arg_max(${column}, timestamp) FILTER (WHERE ${column} IS NOT NULL) AS ${key}`)
      .join(', ');
    const [context] = await this.rows(`SELECT ${latest} FROM events WHERE person_id IN (${ids})`, personIds);
    const [touch] = await this.rows(
      `SELECT ${FIRST_TOUCH_SELECT}, epoch_ms(timestamp) AS at FROM events WHERE person_id IN (${ids}) AND ${FIRST_TOUCH_WHERE}
       ORDER BY timestamp, message_id LIMIT 1`,
      personIds,
    );
    return activityFromRows(counts, context ?? {}, touch ?? null);
  }

  async timeline(query: TimelineQuery): Promise<StoredEvent[]> {
    if (query.personIds.length === 0) return [];
    const params: DuckDBValue[] = [...query.personIds];
    const ids = query.personIds.map((_, i) => `$${i + 1}`).join(', ');
    let where = `person_id IN (${ids})`;
    if (query.before) {
      const t = params.push(new DuckDBTimestampMillisecondsValue(BigInt(query.before.timestamp)));
      const m = params.push(query.before.messageId);
      where += ` AND (timestamp < $${t} OR (timestamp = $${t} AND message_id < $${m}))`;
    }
    const limit = params.push(query.limit);
    const rows = await this.rows(
      `SELECT ${SELECT_COLUMNS} FROM events WHERE ${where} ORDER BY timestamp DESC, message_id DESC LIMIT $${limit}`,
      params,
    );
    return rows.map(rowToStoredEvent);
  }

  async countEvents(): Promise<number> {
    const [row] = await this.rows('SELECT count(*) AS n FROM events');
    return Number(row?.n ?? 0);
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.rows('SELECT 1');
      return { engine: this.engine, ok: true };
    } catch (error) {
      return { engine: this.engine, ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.log.close();
    this.writer.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }

  private async rows(sql: string, params: DuckDBValue[] = [], connection = this.reader): Promise<EventRow[]> {
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as EventRow[];
  }
}
