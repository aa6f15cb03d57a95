import { z } from 'zod';
import { CrumbtrailError } from '../../core/errors.js';
import { commonFields, durationMs, durationSchema, eventMatchSchema, timeRange, type Filter, type TimeRange } from '../definition.js';
import type { Dialect } from '../sql/dialect.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { defineKind, ratio, type QueryContext } from './kind.js';

/** The tracker's active-time report: `engaged_ms` deltas per `page_view_id` (docs/analytics.md, engagement). */
const ENGAGEMENT_EVENT = 'Page Engagement';
const PAGE_EVENT = '$page';

export const engagementSchema = z.strictObject({
  pathPrefix: z.string().min(1).max(2000).optional().describe('Only pages whose path starts with this, e.g. /products/ (the pages list only)'),
  dwellBuckets: z.array(z.number().positive().max(86_400)).min(1).max(20).default([10, 30, 60, 180])
    .describe('Ascending bucket edges in seconds for time on a page: [10, 30] gives <10 s, 10–30 s, ≥30 s'),
  conversionEvent: eventMatchSchema.default({ event: 'Order Completed' }).describe('What counts as converting after viewing a page'),
  conversionWindow: durationSchema.default('7d').describe('A conversion counts within this time after the first view of the page'),
  limit: z.number().int().min(1).max(1000).default(100).describe('Pages listed, most viewed first'),
  ...commonFields,
});
export type EngagementDefinition = z.output<typeof engagementSchema>;

interface Spread {
  medianSeconds: number | null;
  meanSeconds: number | null;
}

interface Bucket {
  fromSeconds: number;
  toSeconds: number | null;
  visitors: number;
  converted: number;
  conversionRate: number;
}

interface PageResult {
  path: string;
  pageViews: number;
  visitors: number;
  medianDwellSeconds: number | null;
  dwell: Bucket[];
}

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
const spread = (row: { n: number; total: number | null; mid: number | null }): Spread => ({
  medianSeconds: row.n === 0 ? null : seconds(Number(row.mid)),
  meanSeconds: row.n === 0 ? null : Number(row.total) / row.n / 1000,
});

/**
 * Page views and engagement reports in the range, one row each: pid, session_id, path, ts, page (1 for a page
 * view), engaged (the report's engaged_ms, 0 otherwise), pvid (the report's page_view_id).
 */
function pageEvents(d: Dialect, p: Params, range: TimeRange, where: Filter[] | undefined): string {
  // The scan skips every other event before the alias join.
  const events = scopedEvents(d, p, range, where, [PAGE_EVENT, ENGAGEMENT_EVENT]);
  const engaged = `COALESCE(${d.jsonNumber('properties', p.add('engaged_ms'))}, 0)`;
  const isReport = `event = ${p.add(ENGAGEMENT_EVENT)}`;
  return `(SELECT pid, session_id, path, ts, CASE WHEN event = ${p.add(PAGE_EVENT)} THEN 1 ELSE 0 END AS page,
      CASE WHEN ${isReport} AND ${engaged} > 0 THEN ${engaged} ELSE 0 END AS engaged,
      CASE WHEN ${isReport} THEN ${d.jsonText('properties', p.add('page_view_id'))} END AS pvid
    FROM ${events} WHERE event = ${p.add(PAGE_EVENT)} OR ${isReport})`;
}

/** Site-wide: visitors (people with a page view), their page views and sessions, time on site, bounces. */
async function siteTotals(def: EngagementDefinition, ctx: QueryContext) {
  const d = ctx.dialect;
  const p = new Params();
  const rows = pageEvents(d, p, timeRange(def), def.where);
  // Aliases never reuse a column's name: ClickHouse aliases are global to the query.
  const people = `SELECT count(*) AS n, sum(views) AS page_views, sum(person_ms) AS total, ${d.median('person_ms')} AS mid FROM (
      SELECT pid, sum(page) AS views, sum(engaged) AS person_ms FROM ${rows} GROUP BY pid
    ) WHERE views > 0`;
  const sessions = `SELECT count(*) AS n, ${d.countIf('views = 1')} AS bounces, sum(session_ms) AS total, ${d.median('session_ms')} AS mid FROM (
      SELECT pid, session_id, sum(page) AS views, sum(engaged) AS session_ms FROM ${rows} WHERE session_id IS NOT NULL GROUP BY pid, session_id
    ) WHERE views > 0`;
  type Row = { n: number; total: number | null; mid: number | null };
  const [person] = await ctx.reader.query<Row & { page_views: number | null }>(people, p.values);
  const [session] = await ctx.reader.query<Row & { bounces: number }>(sessions, p.values);
  const visitors = Number(person!.n);
  const count = Number(session!.n);
  const views = Number(person!.page_views ?? 0);
  return {
    visitors,
    pageViews: views,
    sessions: count,
    pageViewsPerVisitor: ratio(views, visitors),
    sessionsPerVisitor: ratio(count, visitors),
    bounceRate: ratio(Number(session!.bounces), count),
    timeOnSite: { perVisitor: spread({ ...person!, n: visitors }), perSession: spread({ ...session!, n: count }) },
  };
}

function validEdges(edges: number[]): number[] {
  for (let i = 1; i < edges.length; i++) {
    if (edges[i]! <= edges[i - 1]!) throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', 'dwellBuckets must be ascending bucket edges in seconds, e.g. [10, 30, 60, 180]');
  }
  return edges;
}

/** Per page: views, visitors, dwell buckets (per visitor and path) against conversion, median dwell per page view. */
async function pages(def: EngagementDefinition, ctx: QueryContext): Promise<PageResult[]> {
  const d = ctx.dialect;
  const edges = validEdges(def.dwellBuckets);
  const windowMs = durationMs(def.conversionWindow);
  const range = timeRange(def);
  const p = new Params();
  const rows = pageEvents(d, p, range, def.where);
  let onPath = 'path IS NOT NULL';
  if (def.pathPrefix !== undefined) {
    const prefix = p.add(def.pathPrefix);
    onPath += ` AND substring(path, 1, length(${prefix})) = ${prefix}`;
  }
  // Conversions are followed for a window past `to`, so views near its end get their chance.
  const laterRange = { from: range.from, to: range.to === undefined ? undefined : range.to + windowMs };
  const later = scopedEvents(d, p, laterRange, def.where, [def.conversionEvent.event]);
  const conversions = `(SELECT pid, ${d.collectList('ts')} AS conversions FROM ${later} WHERE ${eventCondition(def.conversionEvent, d, p)} GROUP BY pid)`;
  const visits = `(SELECT pid, path, sum(page) AS views, min(ts) AS first_view, sum(engaged) AS dwell FROM ${rows} WHERE ${onPath} GROUP BY pid, path)`;
  const bucket = `CASE ${edges.map((e, i) => `WHEN dwell < ${p.add(e * 1000)} THEN ${i}`).join(' ')} ELSE ${edges.length} END`;
  const converted = d.listHasBetween('conversions', 'first_view', `first_view + ${p.add(windowMs)}`);
  const bucketSql = `SELECT path, bucket, count(*) AS visitors, sum(views) AS page_views, ${d.countIf('converted')} AS converted_visitors FROM (
      SELECT path, views, ${bucket} AS bucket, ${converted} AS converted
      FROM ${d.leftJoinOnPid(`(SELECT * FROM ${visits} WHERE views > 0)`, conversions, 'conversions')}
    ) GROUP BY path, bucket`;
  const medianSql = `SELECT path, ${d.median('dwell')} AS mid FROM (
      SELECT pid, path, pvid, sum(engaged) AS dwell FROM ${rows} WHERE page = 0 AND pvid IS NOT NULL AND ${onPath} GROUP BY pid, path, pvid
    ) GROUP BY path`;
  const bucketRows = await ctx.reader.query<{ path: string; bucket: number; visitors: number; page_views: number; converted_visitors: number }>(bucketSql, p.values);
  const medianRows = await ctx.reader.query<{ path: string; mid: number | null }>(medianSql, p.values);
  const medians = new Map(medianRows.map((r) => [r.path, r.mid === null ? null : Number(r.mid)]));
  const byPath = new Map<string, PageResult>();
  for (const row of bucketRows) {
    let page = byPath.get(row.path);
    if (!page) {
      const dwell = [0, ...edges].map((from, i) => ({ fromSeconds: from, toSeconds: edges[i] ?? null, visitors: 0, converted: 0, conversionRate: 0 }));
      page = { path: row.path, pageViews: 0, visitors: 0, medianDwellSeconds: seconds(medians.get(row.path) ?? null), dwell };
      byPath.set(row.path, page);
    }
    const b = page.dwell[Number(row.bucket)]!;
    b.visitors = Number(row.visitors);
    b.converted = Number(row.converted_visitors);
    b.conversionRate = ratio(b.converted, b.visitors);
    page.pageViews += Number(row.page_views);
    page.visitors += b.visitors;
  }
  return [...byPath.values()]
    .sort((a, b) => b.pageViews - a.pageViews || b.visitors - a.visitors || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, def.limit);
}

async function runEngagement(def: EngagementDefinition, ctx: QueryContext) {
  return { ...(await siteTotals(def, ctx)), pages: await pages(def, ctx) };
}

export const engagement = defineKind({
  name: 'engagement',
  summary: 'Page views, sessions and time on site per visitor, bounce rate, and per page: dwell time against conversion',
  schema: engagementSchema,
  run: runEngagement,
});
