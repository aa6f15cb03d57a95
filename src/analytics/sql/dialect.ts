import type { AnalyticsDialect } from '../../store/event-store/port.js';
import type { TimeRange } from '../definition.js';
import type { Params } from './params.js';

export type Period = 'day' | 'week' | 'month';

/** A URL's scheme, optional user info, then its host (the first group): the same RE2 pattern on both engines. */
export const URL_HOST = '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)';

/**
 * The few places where DuckDB and ClickHouse 18.16 SQL differ, as functions returning SQL text. The query
 * kinds (src/analytics/kinds/) build their SQL from these, so most of a query is written once; where an engine
 * needs a different shape altogether, the kind branches on `name`.
 *
 * Every relation exposes canonical events as `ev`-style columns: pid (the person after merges), ts (epoch ms),
 * type, event (track name, or `$page`, `$screen`, `$identify`, `$group`, `$alias` for other calls), session_id,
 * path, url, referrer, revenue, utm_source, utm_medium, utm_campaign, properties and traits (JSON text).
 */
export interface Dialect {
  readonly name: AnalyticsDialect;
  /**
   * The canonical events, bots excluded, within [from, to) when given; with `only`, just events of those names
   * (filtered on the stored columns, so the engine skips the rest while it scans, before the alias join).
   */
  events(params: Params, window: TimeRange, only?: readonly string[]): string;
  /** A top-level JSON key of `column` as its raw JSON text (`"shoes"`, `12.5`, `true`), NULL when absent. */
  jsonRaw(column: string, keyParam: string): string;
  /** A top-level JSON key as text (strings unquoted), NULL when absent. */
  jsonText(column: string, keyParam: string): string;
  /** A top-level JSON key as a number (NULL when absent or not numeric). */
  jsonNumber(column: string, keyParam: string): string;
  /** `expr` is one of the values of the list parameter. */
  inList(expr: string, listParam: string): string;
  /** Exact median (mean of the two middle values for an even count), NULL for no rows. */
  median(expr: string): string;
  /** Value of `value` at the row with the largest `by`. */
  argMax(value: string, by: string): string;
  /** The number of the calendar period (UTC) holding epoch-ms `ts`: consecutive periods differ by one. */
  periodNumber(ts: string, period: Period): string;
  /** Integer division. */
  intDiv(a: string, b: string): string;
  /** Count of rows where `cond` holds (aggregate). */
  countIf(cond: string): string;
  /** Cast a number to text without trailing `.0` for integers. */
  intText(expr: string): string;
  /** `needle` occurs in `haystack`. */
  contains(haystack: string, needle: string): string;
  /** Raw JSON text as a number, NULL when it is not one. */
  rawNumber(expr: string): string;
  /** Text concatenation of two expressions. */
  concat(a: string, b: string): string;
  /** `text` with every `target` removed. */
  strip(text: string, target: string): string;
  /** `relation` (with a `pid` column) left-joined to `left` on pid: unmatched rows get NULL or '' (ClickHouse). */
  leftJoinOnPid(left: string, relation: string, columns: string): string;
  /** Distinct count of `expr` over rows where `cond` holds (aggregate). */
  countDistinctIf(expr: string, cond: string): string;
  /** `left` inner-joined to `relation` on pid, with the named columns of `relation` added. */
  innerJoinOnPid(left: string, relation: string, columns: string): string;
  /** A nullable number as text that JS `Number()` reads back exactly ('' for NULL). */
  numberText(expr: string): string;
  /** Aggregate: the rows' `expr` values as a list (an array). */
  collectList(expr: string): string;
  /** The list holds a value in [lo, hi] (false for a NULL or empty list). */
  listHasBetween(list: string, lo: string, hi: string): string;
  /** The lower-cased host of a URL text (`https://www.google.com/x` → `www.google.com`), '' for NULL or no host. */
  urlHost(expr: string): string;
  /** The third '/'-separated part of a URL text (`user@host:port` of `scheme://user@host:port/…`): cheap, no regex. */
  urlAuthority(expr: string): string;
  /**
   * Aggregate: the rows' `item` texts sorted as text and joined by `sep`. With items that start with
   * sortableTime(ts) this is time order; cheaper than an ordered aggregate (DuckDB sorts each group's list at once).
   */
  sortedJoin(item: string, sep: string): string;
  /** Epoch ms as fixed-width text (16 digits, offset so times from 1900 on are positive): text order = time order. */
  sortableTime(ts: string): string;
  /** Aggregate: the rows' numeric `expr` values in ascending order, as a list of doubles (exact below 2^53). */
  sortedNumberList(expr: string): string;
  /**
   * Aggregate: (key, text) pairs sorted by key, then text, streamed as a KeyedList (port.ts): a per-person trail
   * that carries a text with each item costs a fraction of sortedJoin's memory (DuckDB sorts the pairs natively).
   */
  sortedKeyedList(key: string, text: string): string;
  /**
   * How many passes the queries with the largest working sets take, each over one bucketOf() share of the actors
   * (the per-person trails that carry text: funnel breakdowns and long funnels, cart abandonment, attribution; see
   * forEachRowInPasses). DuckDB cannot spill an aggregate state that holds a list: in one pass over 10M events
   * (bench:analytics) the breakdown funnel needed ~270 MB, and attribution now and then outgrew 160 MB.
   */
  readonly memoryPasses: number;
  /** Which of `buckets` hash buckets a value falls in (0 … buckets − 1), the same bucket for the same value. */
  bucketOf(expr: string, buckets: number): string;
  /** A NULL of the engine's nullable text type. */
  readonly nullText: string;
  /** Declares a value the query guarantees is not NULL as non-nullable (ClickHouse keeps Nullable types otherwise). */
  notNull(expr: string): string;
  /** An integer column of one type on both engines (ClickHouse 18.16 wants identical types across UNION ALL). */
  int64(expr: string): string;
  /** Aggregate: the rows' texts joined by `sep`, in no particular order (cheaper than an ordered aggregate). */
  joinedUnordered(item: string, sep: string): string;
  /** Aggregate: bitwise OR of an integer column. */
  bitOr(expr: string): string;
}

/** Added to epoch ms before sortableTime pads it: 1900-01-01 is −2.2e12 ms. */
export const SORTABLE_TIME_OFFSET = 3_000_000_000_000;

/**
 * A scan-time filter keeping every event whose relation `event` is one of the names: tracks by their name, other
 * calls by their type (`$page` → `page`). A track may itself be named like a call (`$page`), so call names are
 * looked up among the track names too: the filter never drops an event a later `event = name` would match.
 */
export function namesFilter(only: readonly string[], params: Params, column: (name: 'type' | 'event') => string): string {
  if (only.length === 0) return '1 = 0';
  const calls = only.filter((n) => CALL_NAMES.has(n)).map((n) => n.slice(1));
  // Plain OR of equalities: both engines turn it into a set lookup and DuckDB pushes it into the scan.
  const parts = [`(${column('type')} = 'track' AND (${only.map((n) => `${column('event')} = ${params.add(n)}`).join(' OR ')}))`];
  for (const call of calls) parts.push(`${column('type')} = ${params.add(call)}`);
  return `(${parts.join(' OR ')})`;
}

const CALL_NAMES = new Set(['$page', '$screen', '$identify', '$group', '$alias', '$track']);
