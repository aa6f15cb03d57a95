import type { StoredEvent } from '../../core/events.js';
import type { AppendInput } from './encoded/event-batch.js';
import type { StoreHealth } from '../health.js';

/** One merge of person `from` into person `to`, recorded so event-log queries can resolve canonical people. */
export interface PersonMerge {
  from: string;
  to: string;
  at: number;
}

/** The context fields a profile shows from a person's events: the latest non-empty value of each. */
export const ACTIVITY_CONTEXT_FIELDS = {
  timezone: 'timezone',
  locale: 'locale',
  country: 'country',
  city: 'city',
  userAgent: 'user_agent',
  browser: 'browser',
  os: 'os',
  deviceType: 'device_type',
  utmSource: 'utm_source',
  utmMedium: 'utm_medium',
  utmCampaign: 'utm_campaign',
} as const;

/** The first acquisition touch: the earliest event carrying a UTM source/campaign or a referrer. */
export interface FirstTouch {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  referrer: string | null;
  url: string | null;
  at: number;
}

/**
 * What a person's breadcrumbs say, computed from the log at read time over all of the person's ids (the
 * canonical one and those merged into it), so it is exact after merges and costs the ingest path nothing.
 */
export interface PersonActivity {
  firstSeen: number;
  lastSeen: number;
  /** Track events by name; other calls as `$page`, `$screen`, `$identify`, `$group`, `$alias`. */
  eventCounts: Record<string, number>;
  context: Partial<Record<keyof typeof ACTIVITY_CONTEXT_FIELDS, string>>;
  firstTouch: FirstTouch | null;
}

export interface TimelineQuery {
  /** Every person id that resolves to the person (the canonical id plus the ids merged into it). */
  personIds: string[];
  limit: number;
  /** Only events strictly older than this position (newest first paging). */
  before?: { timestamp: number; messageId: string };
}

/** Which SQL an engine speaks; src/analytics compiles each query definition to one of these. */
export type AnalyticsDialect = 'duckdb' | 'clickhouse';

/** A bound parameter value: never spliced into SQL text by callers. */
export type QueryValue = string | number | boolean | null | readonly string[] | readonly number[];

/** A list of (key, text) pairs as forEachRow streams it: keys in one array, each text read only when asked for. */
export interface KeyedList {
  readonly keys: ArrayLike<number>;
  text(index: number): string;
}

/**
 * The analytic read side of the log: read-only SQL in the engine's own dialect, written by src/analytics.
 * Values are passed as `$name` placeholders and bound by the adapter (DuckDB binds them natively; ClickHouse
 * 18.16 has no server-side parameters, so its adapter renders each as an escaped literal, and nothing else).
 * Integers come back as JS numbers.
 */
export interface AnalyticsReader {
  readonly dialect: AnalyticsDialect;
  /** Table names to read from, already qualified for the engine (`events`, `person_aliases`). */
  readonly tables: { events: string; personAliases: string };
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, QueryValue>): Promise<T[]>;
  /**
   * The rows one at a time, for per-person walks over results too big to hold at once (DuckDB streams them chunk
   * by chunk). A list column of numbers arrives as an ArrayLike<number>, a list of (number, text) pairs (see
   * Dialect.sortedKeyedList) as a KeyedList; both are only valid during the call (DuckDB: views of the chunk's
   * memory, no copy), so copy what must outlive it.
   */
  forEachRow<T = Record<string, unknown>>(sql: string, params: Record<string, QueryValue>, onRow: (row: T) => void): Promise<void>;
}

/**
 * The event log: immutable, append-only, columnar. Adapters: duckdb/ (embedded), clickhouse/ (scale-out).
 * Nothing outside an adapter imports a vendor client.
 */
export interface EventStore {
  readonly engine: string;
  readonly analytics: AnalyticsReader;
  /** Create or upgrade tables. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Append a batch (encoded by the collect workers, or event objects: see encoded/event-batch.ts); resolves only once
   * the batch is durable. All-or-nothing on the embedded engine; on engines
   * that commit per partition a failure may leave part of it, which is safe to retry: the log dedups by messageId.
   *
   * `whileDurable` is other work (the ingestor's state-store transaction) to run once the rows are handed to the
   * engine, while the engine makes them durable (DuckDB's COMMIT runs on its own threads). It is not run when the
   * rows could not be handed over. The append settles when both are done and rejects with the first failure.
   */
  append(events: AppendInput, whileDurable?: () => Promise<void>): Promise<void>;
  /**
   * Optional: an append follows shortly (the ingestor calls this when a flush starts, before dedupe and identity
   * decide its rows), so the adapter may start what does not depend on the rows, such as opening its transaction.
   * Any other write the adapter runs before that append must cope with it (DuckDB discards the open transaction).
   */
  prepareAppend?(): void;
  /**
   * Which of these messageIds the log already holds among events received at or after `since` (the dedup
   * window). The log is the one authority on "already stored": a batch that reached it before a crash counts as
   * seen even while the state store still has to replay it.
   */
  seenMessageIds(messageIds: string[], since: number): Promise<Set<string>>;
  /** Record person merges (idempotent; re-pointing older merges so every alias maps to the final person). */
  recordMerges(merges: PersonMerge[]): Promise<void>;
  /** Where merged-away person ids now point (ids never merged are absent from the map). */
  resolveAliases(personIds: string[]): Promise<Map<string, string>>;
  /** Highest batch sequence this node has appended (0 when none): the recovery high-water mark. */
  maxBatchSeq(nodeId: string): Promise<number>;
  /** The events of one node's batches after `afterSeq`, in (batchSeq, arrival) order, for replay. */
  batchesAfter(nodeId: string, afterSeq: number): AsyncIterable<{ batchSeq: number; events: StoredEvent[] }>;
  /** Every node id that has appended batches (for migration and operations). */
  nodeIds(): Promise<string[]>;
  /** Every recorded merge alias (from → final person), for migration. */
  listAliases(): Promise<PersonMerge[]>;
  /** Activity of the events of these person ids together; null when they have none. */
  personActivity(personIds: string[]): Promise<PersonActivity | null>;
  /** A person's breadcrumb trail, newest first. */
  timeline(query: TimelineQuery): Promise<StoredEvent[]>;
  countEvents(): Promise<number>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
