import { namesFilter, SORTABLE_TIME_OFFSET, URL_HOST, type Dialect, type Period } from './dialect.js';
import type { Params } from './params.js';

/**
 * ClickHouse 18.16: no JSON functions beyond visitParam* (first match of a key anywhere in the text, which is
 * the top-level key for flat properties), no window functions, one JOIN per SELECT (USING only), no CTE
 * subqueries. FINAL makes reads exact on the ReplacingMergeTree (a duplicate message_id counts once).
 */
export function clickhouse(tables: { events: string; personAliases: string }): Dialect {
  return {
    name: 'clickhouse',
    events(params: Params, window, only) {
      const conds = ['is_bot = 0'];
      if (window.from !== undefined) conds.push(`timestamp >= ${params.add(window.from)}`);
      if (window.to !== undefined) conds.push(`timestamp < ${params.add(window.to)}`);
      if (only) conds.push(namesFilter(only, params, (c) => c));
      return `(SELECT if(to_person = '', person_id, to_person) AS pid, timestamp AS ts, type,
        if(type = 'track', assumeNotNull(event), concat('$', type)) AS event, session_id, path, url, referrer,
        revenue, utm_source, utm_medium, utm_campaign, properties, traits, message_id
        FROM ${tables.events} FINAL
        ANY LEFT JOIN (SELECT from_person AS person_id, to_person FROM ${tables.personAliases} FINAL) USING person_id
        WHERE ${conds.join(' AND ')})`;
    },
    jsonRaw: (column, key) =>
      `if(visitParamHas(${column}, ${key}), visitParamExtractRaw(${column}, ${key}), NULL)`,
    jsonText: (column, key) =>
      `if(visitParamHas(${column}, ${key}), if(substring(visitParamExtractRaw(${column}, ${key}), 1, 1) = '"', visitParamExtractString(${column}, ${key}), visitParamExtractRaw(${column}, ${key})), NULL)`,
    jsonNumber: (column, key) =>
      `if(match(visitParamExtractRaw(${column}, ${key}), '^-?[0-9]'), visitParamExtractFloat(${column}, ${key}), NULL)`,
    inList: (expr, list) => `has(${list}, ${expr})`,
    median: (expr) =>
      `if(count() = 0, NULL, arrayReduce('avg', arraySlice(arraySort(groupArray(${expr})), intDiv(count() + 1, 2), 2 - count() % 2)))`,
    argMax: (value, by) => `argMax(${value}, ${by})`,
    periodNumber(ts: string, period: Period) {
      if (period === 'day') return `intDiv(${ts}, 86400000)`;
      if (period === 'week') return `intDiv(intDiv(${ts}, 86400000) + 3, 7)`;
      return `(toYear(toDateTime(intDiv(${ts}, 1000), 'UTC')) * 12 + toMonth(toDateTime(intDiv(${ts}, 1000), 'UTC')) - 1)`;
    },
    intDiv: (a, b) => `intDiv(${a}, ${b})`,
    countIf: (cond) => `countIf(${cond})`,
    intText: (expr) => `toString(toInt64(${expr}))`,
    contains: (haystack, needle) => `(position(${haystack}, ${needle}) > 0)`,
    rawNumber: (expr) => `toFloat64OrNull(${expr})`,
    concat: (a, b) => `concat(${a}, ${b})`,
      strip: (text, target) => `replaceAll(${text}, '${target}', '')`,
    leftJoinOnPid: (left, relation, columns) => `(SELECT *, ${columns} FROM ${left} ANY LEFT JOIN ${relation} USING pid)`,
      countDistinctIf: (expr, cond) => `uniqExactIf(${expr}, ${cond})`,
    // SELECT * after a JOIN gives only the left side's columns on 18.16, hence the named ones.
    innerJoinOnPid: (left, relation, columns) => `(SELECT *, ${columns} FROM ${left} ALL INNER JOIN ${relation} USING pid)`,
    numberText: (expr) => `ifNull(toString(toFloat64(${expr})), '')`,
    collectList: (expr) => `groupArray(${expr})`,
    urlAuthority: (expr) => `splitByChar('/', ifNull(${expr}, ''))[3]`,
    urlHost: (expr) => `ifNull(lower(extract(${expr}, '${URL_HOST}')), '')`,
    // An unmatched LEFT JOIN gives an empty array here, never NULL. `lo <= hi` outside the lambda (no change to
    // the answer) makes 18.16 keep their columns: a column read only inside a lambda is pruned from subqueries.
    listHasBetween: (list, lo, hi) => `(arrayExists(x -> x >= ${lo} AND x <= ${hi}, ${list}) AND ${lo} <= ${hi})`,
      sortedJoin: (item, sep) => `arrayStringConcat(arraySort(groupArray(${item})), '${sep}')`,
    // 18.16 has no leftPad.
    sortableTime: (ts) => `concat(substring('0000000000000000', 1, 16 - length(toString(${ts} + ${SORTABLE_TIME_OFFSET}))), toString(${ts} + ${SORTABLE_TIME_OFFSET}))`,
      bitOr: (expr) => `groupBitOr(${expr})`,
      sortedNumberList: (expr) => `arraySort(groupArray(toFloat64(${expr})))`,
      // Tuples sort by their first element, then the second; JSON gives each as [key, text] (see the reader).
      sortedKeyedList: (key, text) => `arraySort(groupArray((toFloat64(${key}), ${text})))`,
    // The server's own memory settings govern ClickHouse; one pass.
    memoryPasses: 1,
    bucketOf: (expr, buckets) => `(cityHash64(${expr}) % ${buckets})`,
      int64: (expr) => `toInt64(${expr})`,
    joinedUnordered: (item, sep) => `arrayStringConcat(groupArray(${item}), '${sep}')`,
      nullText: 'CAST(NULL AS Nullable(String))',
    notNull: (expr) => `assumeNotNull(${expr})`,
  };
}
