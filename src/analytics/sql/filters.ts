import { CrumbtrailError } from '../../core/errors.js';
import type { EventMatch, Filter, PropertyFilter, TimeRange, TraitFilter } from '../definition.js';
import type { Dialect } from './dialect.js';
import type { Params } from './params.js';

type Value = string | number | boolean | null;

function needValue(filter: Filter): Value | Value[] {
  if (filter.value === undefined) {
    throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', `filter on "${'property' in filter ? filter.property : filter.trait}" with op "${filter.op}" needs a value`);
  }
  return filter.value;
}

function scalar(filter: Filter): Value {
  const value = needValue(filter);
  if (Array.isArray(value)) throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', `op "${filter.op}" takes one value, not a list (use "in")`);
  return value;
}

function numeric(filter: Filter): number {
  const value = scalar(filter);
  if (typeof value !== 'number') throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', `op "${filter.op}" compares numbers; give a number value`);
  return value;
}

const NUMERIC_OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * One filter as SQL over a JSON value: `raw` is its raw JSON text (what eq/neq/in compare, against the
 * JSON text of the given value, so "12" and 12 differ as they do in the event), `text` its text, `num` its number.
 */
function condition(filter: Filter, d: Dialect, p: Params, raw: string, text: string, num: string): string {
  switch (filter.op) {
    case 'exists':
      return `(${raw} IS NOT NULL)`;
    case 'notExists':
      return `(${raw} IS NULL)`;
    case 'eq':
      return `(${raw} = ${p.add(JSON.stringify(scalar(filter)))})`;
    case 'neq':
      return `(${raw} IS NULL OR ${raw} <> ${p.add(JSON.stringify(scalar(filter)))})`;
    case 'in': {
      const value = needValue(filter);
      const list = (Array.isArray(value) ? value : [value]).map((v) => JSON.stringify(v));
      return `(${raw} IS NOT NULL AND ${d.inList(raw, p.add(list))})`;
    }
    case 'contains': {
      const value = scalar(filter);
      if (typeof value !== 'string') throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', 'op "contains" needs a text value');
      return `(${text} IS NOT NULL AND ${d.contains(text, p.add(value))})`;
    }
    default:
      return `(${num} ${NUMERIC_OPS[filter.op]} ${p.add(numeric(filter))})`;
  }
}

export function propertyCondition(filter: PropertyFilter, d: Dialect, p: Params, column = 'properties'): string {
  const key = p.add(filter.property);
  return condition(filter, d, p, d.jsonRaw(column, key), d.jsonText(column, key), d.jsonNumber(column, key));
}

/** Does an event match a step/start/return definition: name plus its own property filters. */
export function eventCondition(match: EventMatch, d: Dialect, p: Params): string {
  const parts = [`event = ${p.add(match.event)}`, ...(match.where ?? []).map((f) => propertyCondition(f, d, p))];
  return `(${parts.join(' AND ')})`;
}

/**
 * The latest value of a trait per person, from their identify calls in the log (so it follows merges, and any
 * engine answers it from the event store alone): rows (pid, v) with v the raw JSON text.
 */
export function latestTrait(trait: string, d: Dialect, p: Params, events: string): string {
  const key = p.add(trait);
  const raw = d.jsonRaw('traits', key);
  return `(SELECT pid, ${d.argMax(raw, 'ts')} AS v FROM ${events} WHERE type = 'identify' AND ${raw} IS NOT NULL GROUP BY pid)`;
}

function traitCondition(filter: TraitFilter, d: Dialect, p: Params, events: string): string {
  const relation = latestTrait(filter.trait, d, p, events);
  // People without the trait have no row: "not" conditions are the complement of the matching people.
  if (filter.op === 'notExists') return `pid NOT IN (SELECT pid FROM ${relation})`;
  if (filter.op === 'neq') return `pid NOT IN (SELECT pid FROM ${relation} WHERE v = ${p.add(JSON.stringify(scalar(filter)))})`;
  // The trait's value is raw JSON text already (contains looks inside it as text).
  return `pid IN (SELECT pid FROM ${relation} WHERE ${condition(filter, d, p, 'v', 'v', d.rawNumber('v'))})`;
}

/**
 * The events a query considers: canonical events in the time range, narrowed by the definition's `where`
 * (property filters on each event, trait filters on the person). Returns a relation text.
 */
export function scopedEvents(
  d: Dialect,
  p: Params,
  range: TimeRange,
  where: Filter[] = [],
  only?: readonly string[],
): string {
  const events = d.events(p, range, only);
  if (where.length === 0) return events;
  // Trait values come from identify calls at any time, not only those inside the range.
  const allTime = d.events(p, {});
  const conds = where.map((f) => ('property' in f ? propertyCondition(f, d, p) : traitCondition(f, d, p, allTime)));
  return `(SELECT * FROM ${events} WHERE ${conds.join(' AND ')})`;
}
