import { namesFilter, SORTABLE_TIME_OFFSET, URL_HOST, type Dialect, type Period } from './dialect.js';
import type { Params } from './params.js';

const json = (keyParam: string) => `'$."' || replace(${keyParam}, '"', '\\"') || '"'`;

export const duckdb: Dialect = {
  name: 'duckdb',
  events(params: Params, window, only) {
    const conds = ['NOT e.is_bot'];
    if (window.from !== undefined) conds.push(`e.timestamp >= make_timestamp(${params.add(window.from * 1000)})`);
    if (window.to !== undefined) conds.push(`e.timestamp < make_timestamp(${params.add(window.to * 1000)})`);
    if (only) conds.push(namesFilter(only, params, (c) => `e.${c}`));
    return `(SELECT COALESCE(a.to_person, e.person_id) AS pid, epoch_ms(e.timestamp) AS ts, e.type,
      CASE WHEN e.type = 'track' THEN e.event ELSE '$' || e.type END AS event, e.session_id, e.path, e.url, e.referrer,
      e.revenue, e.utm_source, e.utm_medium, e.utm_campaign, e.properties, e.traits, e.message_id
      FROM events e LEFT JOIN person_aliases a ON a.from_person = e.person_id WHERE ${conds.join(' AND ')})`;
  },
  jsonRaw: (column, key) => `CAST(json_extract(${column}, ${json(key)}) AS VARCHAR)`,
  jsonText: (column, key) => `json_extract_string(${column}, ${json(key)})`,
  jsonNumber: (column, key) =>
    `CASE WHEN json_type(${column}, ${json(key)}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(json_extract(${column}, ${json(key)}) AS DOUBLE) END`,
  inList: (expr, list) => `list_contains(${list}, ${expr})`,
  median: (expr) => `median(${expr})`,
  argMax: (value, by) => `arg_max(${value}, ${by})`,
  periodNumber(ts: string, period: Period) {
    if (period === 'day') return `(${ts} // 86400000)`;
    // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday (ISO).
    if (period === 'week') return `((${ts} // 86400000 + 3) // 7)`;
    return `(year(epoch_ms(${ts})) * 12 + month(epoch_ms(${ts})) - 1)`;
  },
  intDiv: (a, b) => `(${a} // ${b})`,
  countIf: (cond) => `count(*) FILTER (WHERE ${cond})`,
  intText: (expr) => `CAST(CAST(${expr} AS BIGINT) AS VARCHAR)`,
  contains: (haystack, needle) => `contains(${haystack}, ${needle})`,
  rawNumber: (expr) => `TRY_CAST(${expr} AS DOUBLE)`,
  concat: (a, b) => `(${a} || ${b})`,
  strip: (text, target) => `replace(${text}, '${target}', '')`,
  leftJoinOnPid: (left, relation, columns) => `(SELECT l.*, ${columns} FROM ${left} l LEFT JOIN ${relation} r USING (pid))`,
  countDistinctIf: (expr, cond) => `count(DISTINCT CASE WHEN ${cond} THEN ${expr} END)`,
  innerJoinOnPid: (left, relation, columns) => `(SELECT l.*, ${columns} FROM ${left} l JOIN ${relation} r USING (pid))`,
  numberText: (expr) => `COALESCE(CAST(CAST(${expr} AS DOUBLE) AS VARCHAR), '')`,
  collectList: (expr) => `list(${expr})`,
  urlAuthority: (expr) => `split_part(${expr}, '/', 3)`,
  urlHost: (expr) => `COALESCE(lower(regexp_extract(${expr}, '${URL_HOST}', 1)), '')`,
  listHasBetween: (list, lo, hi) => `COALESCE(len(list_filter(${list}, x -> x >= ${lo} AND x <= ${hi})) > 0, false)`,
  sortedJoin: (item, sep) => `array_to_string(list_sort(list(${item})), '${sep}')`,
  sortableTime: (ts) => `lpad(CAST(${ts} + ${SORTABLE_TIME_OFFSET} AS VARCHAR), 16, '0')`,
  bitOr: (expr) => `bit_or(${expr})`,
  sortedNumberList: (expr) => `list_sort(list(CAST(${expr} AS DOUBLE)))`,
  sortedKeyedList: (key, text) => `list_sort(list({'k': CAST(${key} AS DOUBLE), 'v': ${text}}))`,
  memoryPasses: 2,
  bucketOf: (expr, buckets) => `(hash(${expr}) % ${buckets})`,
  int64: (expr) => `CAST(${expr} AS BIGINT)`,
  joinedUnordered: (item, sep) => `string_agg(${item}, '${sep}')`,
  nullText: 'CAST(NULL AS VARCHAR)',
  notNull: (expr) => expr,
};
