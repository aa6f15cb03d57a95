import { z } from 'zod';
import { commonFields, eventMatchSchema, timeRange } from '../definition.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { defineKind, ratio, type QueryContext } from './kind.js';

/** Events that say nothing about where a visitor went: left out of paths unless the definition says otherwise. */
const DEFAULT_EXCLUDE = ['Page Engagement', '$identify', '$alias', '$group'];

export const pathsSchema = z.strictObject({
  event: eventMatchSchema.describe('The event paths start from (direction next) or lead to (direction previous)'),
  direction: z.enum(['next', 'previous']).default('next').describe('Steps after the event, or the steps before it'),
  steps: z.number().int().min(1).max(10).default(3).describe('How many steps after (before) the event'),
  exclude: z.array(z.string().min(1).max(200)).max(50).default(DEFAULT_EXCLUDE)
    .describe('Event names that are not steps (the chosen event itself always is)'),
  limit: z.number().int().min(1).max(1000).default(10).describe('How many of the most common paths to list'),
  ...commonFields,
});
export type PathsDefinition = z.output<typeof pathsSchema>;

/**
 * The session steps considered, one row each: pid, session_id, ts, label, anchor (1 where the chosen event is).
 * Events without a session id are left out.
 */
function stepsRelation(def: PathsDefinition, ctx: QueryContext, p: Params): string {
  const d = ctx.dialect;
  const events = scopedEvents(d, p, timeRange(def), def.where);
  const anchor = eventCondition(def.event, d, p);
  const excluded = def.exclude.length === 0 ? '1 = 0' : d.inList('event', p.add(def.exclude));
  const page = p.add('$page');
  const label = `CASE WHEN event = ${page} THEN COALESCE(path, ${page}) ELSE event END`;
  return `(SELECT pid, session_id, ts, ${label} AS label, CASE WHEN ${anchor} THEN 1 ELSE 0 END AS anchor FROM ${events}
      WHERE session_id IS NOT NULL AND (${anchor} OR NOT (${excluded})))`;
}

/**
 * Per session holding the event: its steps ordered by (time, label, anchor flag), the path from its first
 * anchor, counted per distinct path in the database. ClickHouse sorts each session's steps as an array; DuckDB
 * (whose list aggregates hold every session in memory at once, past its small memory limit) uses lead/lag over
 * one window sort, which spills, over the sessions holding the event only.
 */
function pathsSql(def: PathsDefinition, ctx: QueryContext, p: Params): string {
  const d = ctx.dialect;
  const steps = stepsRelation(def, ctx, p);
  const next = def.direction === 'next';
  if (d.name === 'duckdb') {
    // Sessions are keyed by a 64-bit hash of (pid, session_id): a sort a third smaller than on the two texts. Two of
    // 2M sessions share a key with odds of about 1 in 10 million, and would then count as one.
    const order = 'PARTITION BY sk ORDER BY ts, label, anchor';
    // Offsets 1…steps are the loop's own numbers: a window offset must be a constant.
    const offsets = Array.from({ length: def.steps }, (_, i) => i + 1);
    const around = next
      ? ['label', ...offsets.map((i) => `lead(label, ${i}) OVER (${order})`)]
      : [...offsets.reverse().map((i) => `lag(label, ${i}) OVER (${order})`), 'label'];
    return `SELECT path, count(*) AS n FROM (
        SELECT list_filter([${around.join(', ')}], x -> x IS NOT NULL) AS path, anchor,
          sum(anchor) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS anchors_so_far
        FROM (SELECT * FROM (SELECT hash(pid, session_id) AS sk, ts, label, anchor FROM ${steps}) s
          SEMI JOIN (SELECT DISTINCT hash(pid, session_id) AS sk FROM ${steps} WHERE anchor = 1) h USING (sk))
      ) WHERE anchor = 1 AND anchors_so_far = 1 GROUP BY path`;
  }
  const n = p.add(def.steps);
  const slice = next
    ? `arraySlice(labels, ai, ${n} + 1)`
    : `arraySlice(labels, greatest(ai - ${n}, 1), ai - greatest(ai - ${n}, 1) + 1)`;
  return `SELECT path, count(*) AS n FROM (
      SELECT ${slice} AS path FROM (
        SELECT arrayMap(x -> x.2, sorted) AS labels, indexOf(arrayMap(x -> x.3, sorted), 1) AS ai FROM (
          SELECT arraySort(groupArray((ts, label, anchor))) AS sorted FROM ${steps} GROUP BY pid, session_id HAVING max(anchor) = 1
        )
      )
    ) GROUP BY path`;
}

const compareLabels = (a: string[], b: string[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
};

async function runPaths(def: PathsDefinition, ctx: QueryContext) {
  const p = new Params();
  const rows = await ctx.reader.query<{ path: string[]; n: number }>(pathsSql(def, ctx, p), p.values);
  const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
  const paths = rows
    .map((r) => ({ path: r.path.map(String), count: Number(r.n) }))
    .sort((a, b) => b.count - a.count || compareLabels(a.path, b.path))
    .slice(0, def.limit)
    .map((r) => ({ ...r, share: ratio(r.count, total) }));
  return { sessions: total, paths };
}

export const paths = defineKind({
  name: 'paths',
  summary: 'The most common steps after (or before) an event within a session, with counts and shares',
  schema: pathsSchema,
  run: runPaths,
});
