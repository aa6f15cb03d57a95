import type { StoredEvent } from '../../../core/events.js';
import type { StoreHealth } from '../../health.js';
import { EVENT_COLUMNS, rowToStoredEvent, type EventRow } from '../columns.js';
import { asEventBatch, type AppendInput } from '../encoded/event-batch.js';
import { activityFromRows, COUNTED_NAME_SQL, FIRST_TOUCH_SELECT, FIRST_TOUCH_WHERE } from '../activity.js';
import { ACTIVITY_CONTEXT_FIELDS, type EventStore, type PersonActivity, type PersonMerge, type TimelineQuery } from '../port.js';
import { CONNECT_TIMEOUT_MS, ClickHouseConnection, FINAL_READ, type JsonScalar } from './connection.js';
import { ClickHouseAnalyticsReader } from './analytics-reader.js';
import { parseClickHouseUrl } from './connection-url.js';
import { idChunks, pickSurvivors, SURVIVOR_COLUMNS, type Survivor } from './final-rows.js';
import { aliasRowsForMerges, peopleInMerges, type AliasRow } from './person-aliases.js';
import { replayPages } from './replay-pages.js';
import { EVENT_SELECT_LIST, MIGRATIONS, eventColumnType, createMigrationsTable, tablesIn, type Tables } from './schema.js';
import { identifier, sql, trustedSql } from './sql-literals.js';

/** The event columns ClickHouse stores as UInt8. */
const BOOL_COLUMNS = EVENT_COLUMNS.filter((column) => column.type === 'bool').map((column) => column.name);

/** Int64/UInt64 arrive as JSON strings (output_format_json_quote_64bit_integers = 1, the default). */
type Int64Text = string | number;

interface AliasRecord extends Record<string, JsonScalar> {
  from_person: string;
  to_person: string;
  merged_at: Int64Text;
  version: Int64Text;
}

/**
 * The scale-out event log on ClickHouse over HTTP, written for Debian's 18.16 and current servers alike
 * (docs/clickhouse.md: layout, compatibility rules, and why reads use FINAL).
 */
export class ClickHouseEventStore implements EventStore {
  readonly engine = 'clickhouse';
  readonly analytics: ClickHouseAnalyticsReader;

  private constructor(
    private readonly connection: ClickHouseConnection,
    private readonly tables: Tables,
  ) {
    this.analytics = new ClickHouseAnalyticsReader(connection, tables);
  }

  /** `clickhouse://user:password@host:port/database`; fails within ~5 s, naming the URL, when unreachable. */
  static async open(url: string): Promise<ClickHouseEventStore> {
    const target = parseClickHouseUrl(url);
    return new ClickHouseEventStore(await ClickHouseConnection.open(target), tablesIn(target.database));
  }

  async migrate(): Promise<void> {
    const t = this.tables;
    // Asked first so an operator can create the database and grant only table privileges (docs/clickhouse.md).
    const [database] = await this.connection.rows<{ n: Int64Text }>(
      sql`SELECT count() AS n FROM system.databases WHERE name = ${t.databaseName}`,
    );
    if (Number(database?.n ?? 0) === 0) await this.connection.command(sql`CREATE DATABASE IF NOT EXISTS ${t.database}`);
    await this.connection.command(createMigrationsTable(t));
    const applied = await this.connection.rows<{ version: number }>(sql`SELECT DISTINCT version FROM ${t.schemaMigrations}`);
    const done = new Set(applied.map((r) => Number(r.version)));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements(t)) await this.connection.command(statement);
      for (const column of migration.addEventColumns ?? []) await this.addEventColumn(column);
      await this.connection.insert(t.schemaMigrations, [{ version: migration.version, applied_at: Date.now() }]);
    }
  }

  private async addEventColumn(name: string): Promise<void> {
    const t = this.tables;
    const [present] = await this.connection.rows<{ n: Int64Text }>(
      sql`SELECT count() AS n FROM system.columns WHERE database = ${t.databaseName} AND table = 'events' AND name = ${name}`,
    );
    if (Number(present?.n ?? 0) > 0) return;
    await this.connection.command(sql`ALTER TABLE ${t.events} ADD COLUMN ${identifier(name)} ${trustedSql(eventColumnType(name))}`);
  }

  async append(input: AppendInput, whileDurable?: () => Promise<void>): Promise<void> {
    const batch = asEventBatch(input);
    if (batch.count === 0) return whileDurable?.();
    // ClickHouse takes rows (a batch from the collect workers is decoded here, on the event loop); its Bool columns are
    // UInt8. The rows are fresh objects, so they are converted in place.
    const rows = batch.rows();
    for (const row of rows) for (const name of BOOL_COLUMNS) row[name] = Number(row[name]);
    const insert = this.connection.insert(this.tables.events, rows as Record<string, JsonScalar>[]);
    // The rows are on their way: the other work runs while ClickHouse writes them. Both settle before this does.
    const [inserted, side] = await Promise.allSettled([insert, Promise.resolve().then(whileDurable)]);
    if (inserted.status === 'rejected') throw inserted.reason;
    if (side.status === 'rejected') throw side.reason;
  }

  async recordMerges(merges: PersonMerge[]): Promise<void> {
    if (merges.length === 0) return;
    const people = peopleInMerges(merges);
    // Tombstones are read too: a new row for that person needs a version above theirs.
    const stored = await this.connection.rows<AliasRecord>(
      sql`SELECT from_person, to_person, merged_at, version FROM ${this.tables.personAliases} FINAL
          WHERE from_person IN (${people}) OR to_person IN (${people})`,
      FINAL_READ,
    );
    const current: AliasRow[] = stored.map((r) => ({
      from: r.from_person,
      to: r.to_person,
      at: Number(r.merged_at),
      version: Number(r.version),
    }));
    const rows = aliasRowsForMerges(current, merges);
    if (rows.length === 0) return;
    await this.connection.insert(
      this.tables.personAliases,
      rows.map((r) => ({ from_person: r.from, to_person: r.to, merged_at: r.at, version: r.version })),
    );
  }

  /** Not FINAL: any copy of a messageId means it is stored. The table is sorted by message_id, so this is an index lookup. */
  async seenMessageIds(messageIds: string[], since: number): Promise<Set<string>> {
    const seen = new Set<string>();
    // A flush's ids can exceed max_query_size (256 KiB) as one literal list: ask in chunks.
    for (const ids of idChunks(messageIds)) {
      const rows = await this.connection.rows<{ message_id: string }>(
        sql`SELECT DISTINCT message_id FROM ${this.tables.events} WHERE message_id IN (${ids}) AND received_at >= ${since}`,
      );
      for (const row of rows) seen.add(row.message_id);
    }
    return seen;
  }

  async resolveAliases(personIds: string[]): Promise<Map<string, string>> {
    if (personIds.length === 0) return new Map();
    const rows = await this.connection.rows<AliasRecord>(
      sql`SELECT from_person, to_person FROM ${this.tables.personAliases} FINAL WHERE from_person IN (${personIds})`,
      FINAL_READ,
    );
    return new Map(rows.filter(isAlias).map((r) => [r.from_person, r.to_person]));
  }

  /**
   * Not FINAL: the high-water mark is about which batches this node wrote, and a copy of a duplicate
   * that loses to another node's copy in a merge still was written. max() over no rows is 0.
   */
  async maxBatchSeq(nodeId: string): Promise<number> {
    const [row] = await this.connection.rows<{ seq: Int64Text | null }>(
      sql`SELECT max(batch_seq) AS seq FROM ${this.tables.events} WHERE node_id = ${nodeId}`,
    );
    return Number(row?.seq ?? 0);
  }

  /**
   * Exact like the other reads (an append retried after a lost acknowledgement replays once), in two steps
   * (final-rows.ts) and a few whole batches at a time (replay-pages.ts) so a long replay never holds the
   * node's whole history. Page sizes come from a plain count: duplicates only make a page a little smaller.
   */
  async *batchesAfter(nodeId: string, afterSeq: number): AsyncIterable<{ batchSeq: number; events: StoredEvent[] }> {
    const events = this.tables.events;
    const sizes = await this.connection.rows<{ batch_seq: Int64Text; n: Int64Text }>(
      sql`SELECT batch_seq, count() AS n FROM ${events} WHERE node_id = ${nodeId} AND batch_seq > ${afterSeq}
          GROUP BY batch_seq ORDER BY batch_seq`,
    );
    const pages = replayPages(sizes.map((s) => ({ batchSeq: Number(s.batch_seq), rows: Number(s.n) })));
    for (const page of pages) {
      const inPage = sql`node_id = ${nodeId} AND batch_seq >= ${page.first} AND batch_seq <= ${page.last}`;
      const survivors = await this.connection.rows<Survivor>(
        sql`SELECT ${SURVIVOR_COLUMNS} FROM ${events} FINAL WHERE ${inPage} ORDER BY batch_seq, batch_pos`,
        FINAL_READ,
      );
      if (survivors.length === 0) continue;
      const rows = await this.connection.rows<EventRow>(sql`SELECT ${EVENT_SELECT_LIST} FROM ${events} WHERE ${inPage}`);
      let batch: { batchSeq: number; events: StoredEvent[] } | undefined;
      for (const row of pickSurvivors(survivors, rows)) {
        const event = rowToStoredEvent(row);
        if (batch && batch.batchSeq !== event.batchSeq) {
          yield batch;
          batch = undefined;
        }
        batch ??= { batchSeq: event.batchSeq, events: [] };
        batch.events.push(event);
      }
      if (batch) yield batch;
    }
  }

  async nodeIds(): Promise<string[]> {
    const rows = await this.connection.rows<{ node_id: string }>(
      sql`SELECT DISTINCT node_id FROM ${this.tables.events} ORDER BY node_id`,
    );
    return rows.map((r) => r.node_id);
  }

  async listAliases(): Promise<PersonMerge[]> {
    const rows = await this.connection.rows<AliasRecord>(
      sql`SELECT from_person, to_person, merged_at FROM ${this.tables.personAliases} FINAL ORDER BY from_person`,
      FINAL_READ,
    );
    return rows.filter(isAlias).map((r) => ({ from: r.from_person, to: r.to_person, at: Number(r.merged_at) }));
  }

  /**
   * Not FINAL (its memory cost on 18.16 is in final-rows.ts): counts use uniqExact(message_id), so a duplicate
   * copy counts once; min, max, latest values and the first touch are the same whichever copy survives.
   */
  async personActivity(personIds: string[]): Promise<PersonActivity | null> {
    if (personIds.length === 0) return null;
    const events = this.tables.events;
    const counts = await this.connection.rows<EventRow & Record<string, JsonScalar>>(
      sql`SELECT ${trustedSql(COUNTED_NAME_SQL)} AS name, uniqExact(message_id) AS n, min(timestamp) AS first, max(timestamp) AS last
          FROM ${events} WHERE person_id IN (${personIds}) GROUP BY name`,
    );
    if (counts.length === 0) return null;
    const latest = Object.entries(ACTIVITY_CONTEXT_FIELDS)
      .map(([key, column]) => `argMaxIf(${column}, timestamp, isNotNull(${column})) AS ${key}`)
      .join(', ');
    const [context] = await this.connection.rows<EventRow & Record<string, JsonScalar>>(
      sql`SELECT ${trustedSql(latest)} FROM ${events} WHERE person_id IN (${personIds})`,
    );
    const [touch] = await this.connection.rows<EventRow & Record<string, JsonScalar>>(
      sql`SELECT ${trustedSql(FIRST_TOUCH_SELECT)}, timestamp AS at FROM ${events}
          WHERE person_id IN (${personIds}) AND ${trustedSql(FIRST_TOUCH_WHERE)} ORDER BY timestamp, message_id LIMIT 1`,
    );
    return activityFromRows(counts, context ?? {}, touch ?? null);
  }

  /** Newest first, exact: FINAL picks the page, a plain read by messageId fetches it (final-rows.ts). */
  async timeline(query: TimelineQuery): Promise<StoredEvent[]> {
    if (query.personIds.length === 0) return [];
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) throw new Error(`Timeline limit must be a whole number ≥ 0, got ${query.limit}`);
    if (query.limit === 0) return [];
    const events = this.tables.events;
    let where = sql`person_id IN (${query.personIds})`;
    if (query.before) {
      const { timestamp, messageId } = query.before;
      where = sql`${where} AND (timestamp < ${timestamp} OR (timestamp = ${timestamp} AND message_id < ${messageId}))`;
    }
    const survivors = await this.connection.rows<Survivor>(
      sql`SELECT ${SURVIVOR_COLUMNS} FROM ${events} FINAL WHERE ${where} ORDER BY timestamp DESC, message_id DESC LIMIT ${query.limit}`,
      FINAL_READ,
    );
    const rows: EventRow[] = [];
    for (const ids of idChunks(survivors.map((s) => s.message_id))) {
      rows.push(...(await this.connection.rows<EventRow>(sql`SELECT ${EVENT_SELECT_LIST} FROM ${events} WHERE message_id IN (${ids})`)));
    }
    return pickSurvivors(survivors, rows).map(rowToStoredEvent);
  }

  /** Exact: FINAL collapses duplicates not yet merged away (and, on read, those in different partitions). */
  async countEvents(): Promise<number> {
    const [row] = await this.connection.rows<{ n: Int64Text }>(sql`SELECT count() AS n FROM ${this.tables.events} FINAL`, FINAL_READ);
    return Number(row?.n ?? 0);
  }

  async health(): Promise<StoreHealth> {
    try {
      // Bounded like open(): a health probe must answer even when the server hangs.
      await this.connection.rows(sql`SELECT 1 AS ok`, undefined, AbortSignal.timeout(CONNECT_TIMEOUT_MS));
      return { engine: this.engine, ok: true };
    } catch (error) {
      return { engine: this.engine, ok: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** A row whose to_person is its own from_person is a tombstone (person-aliases.ts), not an alias. */
function isAlias(row: AliasRecord): boolean {
  return row.from_person !== row.to_person;
}
