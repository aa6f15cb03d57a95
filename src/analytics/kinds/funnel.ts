import { z } from 'zod';
import { CrumbtrailError } from '../../core/errors.js';
import { commonFields, durationMs, durationSchema, eventMatchSchema, timeRange, unitField } from '../definition.js';
import { eventCondition, latestTrait, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import type { KeyedList } from '../../store/event-store/port.js';
import { walkFunnel, MASK_DIGITS, TrailReader, type Attempt, type Exclusion } from './funnel-walk.js';
import { defineKind, forEachRowInPasses, median, ratio, type QueryContext } from './kind.js';
import { actorColumn } from './actor.js';

const MAX_STEPS = 20;
/** Steps + exclusions up to this many travel packed into one number with the time (ts·2^6 + mask < 2^53 until year 6400). */
const PACKED_MASK_BITS = 6;

export const funnelSchema = z.strictObject({
  steps: z.array(eventMatchSchema).min(2).max(MAX_STEPS),
  window: durationSchema.default('7d').describe('Every step must happen within this time of the first'),
  order: z.enum(['ordered', 'strict', 'any']).default('ordered')
    .describe('ordered: steps in order, other events may come between; strict: no other event between steps; any: steps in any order'),
  breakdown: z.union([z.strictObject({ property: z.string().min(1) }), z.strictObject({ trait: z.string().min(1) })]).optional(),
  exclusions: z.array(z.strictObject({ event: z.string().min(1), betweenSteps: z.tuple([z.number().int().min(0), z.number().int().min(1)]) })).max(10).optional()
    .describe('An attempt with this event between the two steps (0-based) counts only up to the first of them'),
  ...commonFields,
  ...unitField,
});
export type FunnelDefinition = z.output<typeof funnelSchema>;

interface StepResult {
  event: string;
  count: number;
  conversionFromPrevious: number;
  conversionFromFirst: number;
  medianSecondsToConvert: number | null;
}

/** Running totals of a funnel (or one breakdown value): counts and step times, without keeping attempts. */
class Tally {
  entered = 0;
  readonly reached: number[];
  readonly seconds: number[][];

  constructor(steps: number) {
    this.reached = new Array<number>(steps).fill(0);
    this.seconds = Array.from({ length: steps }, () => [] as number[]);
  }

  add(a: Attempt): void {
    this.entered++;
    for (let i = 0; i < a.depth; i++) {
      this.reached[i]!++;
      if (i > 0) this.seconds[i]!.push((a.times[i]! - a.times[i - 1]!) / 1000);
    }
  }

  steps(def: FunnelDefinition): StepResult[] {
    return def.steps.map((step, i) => ({
      event: step.event,
      count: this.reached[i]!,
      conversionFromPrevious: i === 0 ? 1 : ratio(this.reached[i]!, this.reached[i - 1]!),
      conversionFromFirst: ratio(this.reached[i]!, this.entered),
      medianSecondsToConvert: i === 0 ? null : median(this.seconds[i]!),
    }));
  }
}

function validate(def: FunnelDefinition): Exclusion[] {
  return (def.exclusions ?? []).map((exclusion, j) => {
    const [from, to] = exclusion.betweenSteps;
    if (from >= to || to >= def.steps.length) {
      throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', `exclusions[${j}].betweenSteps must be two step indexes, first < second < ${def.steps.length}`);
    }
    if (def.order === 'any') throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', 'exclusions need an ordered or strict funnel');
    return { bit: def.steps.length + j, from, to };
  });
}

/** A trait's raw JSON text as the text shown for it: strings without quotes, other values as JSON. */
function traitText(raw: string | null): string | null {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return raw;
  }
}

const isKeyedList = (trail: ArrayLike<number> | KeyedList): trail is KeyedList => typeof (trail as KeyedList).text === 'function';

async function runFunnel(def: FunnelDefinition, ctx: QueryContext) {
  const exclusions = validate(def);
  const d = ctx.dialect;
  const p = new Params();
  // Strict funnels need every event (anything between two steps breaks the sequence); the others only the named ones.
  const names = def.order === 'strict' ? undefined : [...def.steps.map((s) => s.event), ...(def.exclusions ?? []).map((e) => e.event)];
  let events = scopedEvents(d, p, timeRange(def), def.where, names);
  const bits = [...def.steps.map((s) => eventCondition(s, d, p)), ...(def.exclusions ?? []).map((e) => eventCondition({ event: e.event }, d, p))];
  const mask = bits.map((cond, i) => `CASE WHEN ${cond} THEN ${2 ** i} ELSE 0 END`).join(' + ');
  let value = d.nullText;
  if (def.breakdown && 'property' in def.breakdown) value = d.jsonText('properties', p.add(def.breakdown.property));
  if (def.breakdown && 'trait' in def.breakdown) {
    events = d.leftJoinOnPid(events, latestTrait(def.breakdown.trait, d, p, d.events(p, {})), 'v AS breakdown_value');
    value = 'breakdown_value';
  }
  const actor = actorColumn(def.unit, d);
  const relevant = def.order === 'strict' ? '1 = 1' : 'mask > 0';
  const packed = bits.length <= PACKED_MASK_BITS;
  let trail: string;
  if (packed) {
    // The common case as one number per event (ts·64 + mask), a sorted list per person read straight from the
    // engine's vectors: no text to build, sort or parse, and DuckDB streams it (see AnalyticsReader.forEachRow).
    // A breakdown's value travels beside each number. The order (time, mask, value) is the same as the wide form's.
    const key = `ts * ${2 ** PACKED_MASK_BITS} + mask`;
    trail = def.breakdown ? d.sortedKeyedList(key, d.notNull(`CASE WHEN value IS NULL THEN '' ELSE value END`)) : d.sortedNumberList(key);
  } else {
    // Too many bits to pack: (ts, 'mask:value') pairs, the mask zero-padded so the order is again (time, mask, value).
    const paddedMask = d.concat(`substring('${'0'.repeat(MASK_DIGITS)}', 1, ${MASK_DIGITS} - length(${d.intText('mask')}))`, d.intText('mask'));
    trail = d.sortedKeyedList('ts', d.notNull(d.concat(d.concat(paddedMask, "':'"), `CASE WHEN value IS NULL THEN '' ELSE value END`)));
  }
  // Pairs with text take several passes, each over a share of the actors (Dialect.memoryPasses).
  const passes = packed && !def.breakdown ? 1 : d.memoryPasses;
  // Filter first, then build items: the breakdown's JSON lookup runs only on the events that matter.
  const sql = (inPass: string) => `SELECT ${d.bitOr('mask')} AS bits, ${trail} AS trail FROM (
      SELECT ${actor.expr} AS actor, ts, ${mask} AS mask, ${value} AS value FROM ${events} WHERE ${actor.present} AND ${inPass}
    ) WHERE ${relevant} GROUP BY actor`;
  const options = { steps: def.steps.length, windowMs: durationMs(def.window), order: def.order, exclusions };
  const total = new Tally(def.steps.length);
  const groups = new Map<string | null, Tally>();
  const count = (attempt: Attempt) => {
    total.add(attempt);
    if (!def.breakdown) return;
    let group = groups.get(attempt.value);
    if (!group) groups.set(attempt.value, (group = new Tally(def.steps.length)));
    group.add(attempt);
  };
  const byTrait = def.breakdown !== undefined && 'trait' in def.breakdown;
  const single = (bits: number) => (def.order === 'any' ? (bits & (bits - 1)) === 0 : bits === 1);
  const entered = (bits: number) => (def.order === 'any' ? bits !== 0 : (bits & 1) === 1);
  const trails = new TrailReader(PACKED_MASK_BITS);
  // ('keys' in trail would not do: arrays and typed arrays have a keys() method.)
  const read = (trail: ArrayLike<number> | KeyedList) =>
    !packed ? trails.wide(trail as KeyedList) : isKeyedList(trail) ? trails.packed(trail.keys, trail.text) : trails.packed(trail);
  // Streamed: at 10M events the trails are most of the query's memory.
  const onRow = (row: { bits: number; trail: ArrayLike<number> | KeyedList }) => {
    const bits = Number(row.bits);
    // Without a breakdown, people whose events match a single step need no walk.
    if (!def.breakdown && single(bits)) {
      if (entered(bits)) count({ depth: 1, times: [0], value: null });
      return;
    }
    const attempt = walkFunnel(read(row.trail), options);
    if (attempt && byTrait) attempt.value = traitText(attempt.value);
    if (attempt) count(attempt);
  };
  await forEachRowInPasses(ctx, p, actor.expr, sql, onRow, passes);
  const result: { steps: StepResult[]; breakdown?: { value: string | null; steps: StepResult[] }[] } = { steps: total.steps(def) };
  if (def.breakdown) {
    result.breakdown = [...groups.entries()]
      .map(([v, group]) => ({ value: v, steps: group.steps(def) }))
      .sort((a, b) => b.steps[0]!.count - a.steps[0]!.count || String(a.value).localeCompare(String(b.value)));
  }
  return result;
}

export const funnel = defineKind({
  name: 'funnel',
  summary: 'Conversion through ordered steps within a window, per person (or session), with breakdowns and exclusions',
  schema: funnelSchema,
  run: runFunnel,
});
