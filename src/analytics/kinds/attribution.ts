import { z } from 'zod';
import { commonFields, durationMs, durationSchema, eventMatchSchema, timeRange } from '../definition.js';
import { SORTABLE_TIME_OFFSET, type Dialect } from '../sql/dialect.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { defineKind, FIELD_SEP, fields, forEachRowInPasses, ITEM_SEP, sortedSum, type QueryContext } from './kind.js';


export const attributionSchema = z.strictObject({
  conversion: eventMatchSchema.default({ event: 'Order Completed' }).describe('The event credited; its revenue column is the value'),
  dimension: z.enum(['source', 'medium', 'campaign', 'referrer']).default('source')
    .describe('source: utm_source, else the referrer host; medium: utm_medium, else "referral"; campaign: utm_campaign; referrer: the referrer host'),
  model: z.enum(['first', 'last', 'linear']).default('last').describe('Credit the first touch, the last touch, or every touch equally'),
  lookback: durationSchema.default('30d').describe('Touches count within this time before the conversion'),
  ...commonFields,
});
export type AttributionDefinition = z.output<typeof attributionSchema>;

/** A touch's value for the dimension (NULL when it has none), given `external` (an external referrer). */
function touchValue(def: AttributionDefinition, p: Params): string {
  const host = `CASE WHEN external = 1 THEN ref_host END`;
  switch (def.dimension) {
    case 'source':
      return `COALESCE(utm_source, ${host})`;
    case 'medium':
      return `COALESCE(utm_medium, CASE WHEN external = 1 THEN ${p.add('referral')} END)`;
    case 'campaign':
      return 'utm_campaign';
    default:
      return host;
  }
}

/**
 * One row per person with a conversion in [from, to): their touches (from `lookback` before `from`) and
 * conversions in time order, items `sortableTime␟conversion␟touch␟revenue␟value` (value `=text`, '' for none).
 */
function trailSql(def: AttributionDefinition, d: Dialect, p: Params, lookbackMs: number, inPass: string): string {
  const range = timeRange(def);
  const events = scopedEvents(d, p, { from: range.from === undefined ? undefined : range.from - lookbackMs, to: range.to }, def.where);
  const isConversion = `${eventCondition(def.conversion, d, p)}${range.from === undefined ? '' : ` AND ts >= ${p.add(range.from)}`}`;
  const hasUtm = 'utm_source IS NOT NULL OR utm_medium IS NOT NULL OR utm_campaign IS NOT NULL';
  // Most referrers are the site's own pages: the same URL authority rules them out before the (costly) regex.
  const maybeExternal = `referrer IS NOT NULL AND NOT (url IS NOT NULL AND ${d.urlAuthority('referrer')} = ${d.urlAuthority('url')})`;
  const withHosts = `(SELECT pid, ts, event, properties, revenue, utm_source, utm_medium, utm_campaign, ${d.urlHost('referrer')} AS ref_host,
      ${d.urlHost('url')} AS url_host FROM ${events} WHERE ((${isConversion}) OR ${hasUtm} OR (${maybeExternal})) AND ${inPass})`;
  const external = `CASE WHEN ref_host <> '' AND ref_host <> url_host THEN 1 ELSE 0 END`;
  const flagged = `(SELECT pid, ts, CASE WHEN ${isConversion} THEN 1 ELSE 0 END AS conversion,
      CASE WHEN ${hasUtm} OR external = 1 THEN 1 ELSE 0 END AS touch,
      revenue, utm_source, utm_medium, utm_campaign, ref_host, external
      FROM (SELECT *, ${external} AS external FROM ${withHosts}))`;
  const value = touchValue(def, p);
  const encoded = `CASE WHEN ${value} IS NULL THEN '' ELSE ${d.concat("'='", d.strip(d.strip(value, ITEM_SEP), FIELD_SEP))} END`;
  const item = fields(d, d.sortableTime('ts'), d.intText('conversion'), d.intText('touch'), d.numberText('revenue'), encoded);
  return `SELECT trail FROM (
      SELECT pid, ${d.sortedJoin('item', ITEM_SEP)} AS trail, ${d.countIf('conversion = 1')} AS conversions FROM (
        SELECT pid, ts, conversion, ${item} AS item FROM ${flagged} WHERE conversion = 1 OR touch = 1
      ) GROUP BY pid
    ) WHERE conversions > 0`;
}

interface Touch {
  ts: number;
  value: string | null;
}

/** Credit shares of one conversion: value → fraction of it (1 to null when no touch is in the lookback). */
function credit(model: AttributionDefinition['model'], touches: Touch[]): [string | null, number][] {
  if (touches.length === 0) return [[null, 1]];
  if (model === 'first') return [[touches[0]!.value, 1]];
  if (model === 'last') return [[touches[touches.length - 1]!.value, 1]];
  return touches.map((t) => [t.value, 1 / touches.length]);
}

async function runAttribution(def: AttributionDefinition, ctx: QueryContext) {
  const d = ctx.dialect;
  const p = new Params();
  const lookbackMs = durationMs(def.lookback);
  // Shares per value, summed after sorting so every engine (whatever its row order) rounds the same way.
  const shares = new Map<string | null, { conversions: number[]; revenue: number[] }>();
  const worths: number[] = [];
  // Streamed, in passes over shares of the people: the trails are most of the query's memory at 10M events.
  const onRow = (row: { trail: string }) => {
    const items = row.trail.split(ITEM_SEP).map((item) => item.split(FIELD_SEP));
    const touches: Touch[] = [];
    for (const [ts, isConversion, isTouch, amount, value] of items) {
      const at = Number(ts) - SORTABLE_TIME_OFFSET;
      if (isTouch === '1') touches.push({ ts: at, value: value ? value.slice(1) : null });
      if (isConversion !== '1') continue;
      const worth = amount ? Number(amount) : 0;
      worths.push(worth);
      // Touches at the conversion's time count (an order arriving with UTM is its own last touch).
      const inWindow = touches.filter((t) => t.ts >= at - lookbackMs && t.ts <= at);
      for (const [value, fraction] of credit(def.model, inWindow)) {
        const entry = shares.get(value) ?? { conversions: [], revenue: [] };
        entry.conversions.push(fraction);
        entry.revenue.push(fraction * worth);
        shares.set(value, entry);
      }
    }
  };
  await forEachRowInPasses(ctx, p, 'pid', (inPass) => trailSql(def, d, p, lookbackMs, inPass), onRow);
  const values = [...shares.entries()]
    .map(([value, e]) => ({ value, conversions: sortedSum(e.conversions), revenue: sortedSum(e.revenue) }))
    .sort((a, b) => b.revenue - a.revenue || b.conversions - a.conversions || (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { conversions: worths.length, revenue: sortedSum(worths), values };
}

export const attribution = defineKind({
  name: 'attribution',
  summary: 'Conversions and revenue credited to acquisition source, medium, campaign or referrer by first, last or linear touch',
  schema: attributionSchema,
  run: runAttribution,
});
