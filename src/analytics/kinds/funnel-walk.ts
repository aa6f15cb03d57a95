import { SORTABLE_TIME_OFFSET } from '../sql/dialect.js';

/**
 * The per-person ordered walk (PostHog moved to this from ClickHouse's windowFunnel, whose long funnels timed
 * out): a person's matching events in time order, tried from every entry into step 1; the attempt that gets
 * furthest counts, the earliest of equally good ones, once per person.
 */
export type FunnelOrder = 'ordered' | 'strict' | 'any';

export interface TrailEvent {
  ts: number;
  /** Bit i: matches step i; bit steps + j: matches exclusion j. 0 for other events (strict mode only). */
  mask: number;
  /** Breakdown value carried by this event (property breakdowns), else null. */
  value: string | null;
}

export interface Exclusion {
  bit: number;
  /** 0-based steps: an attempt with the excluded event strictly between these steps' times stops at `from`. */
  from: number;
  to: number;
}

export interface Attempt {
  /** Steps reached (1 … steps). */
  depth: number;
  /** Time each reached step happened (ordered/strict: step order; any: order of completion). */
  times: number[];
  /** The entry event's breakdown value. */
  value: string | null;
}

export interface WalkOptions {
  steps: number;
  windowMs: number;
  order: FunnelOrder;
  exclusions: Exclusion[];
}

function attemptFrom(trail: TrailEvent[], entry: number, o: WalkOptions): Attempt {
  const start = trail[entry]!;
  const deadline = start.ts + o.windowMs;
  if (o.order === 'any') {
    const times = [start.ts];
    let done = start.mask & ((1 << o.steps) - 1);
    // The entry counts for one step only (its lowest); its other bits may be met by later events.
    done &= done & -done;
    for (let j = entry + 1; j < trail.length && trail[j]!.ts <= deadline && times.length < o.steps; j++) {
      const fresh = trail[j]!.mask & ((1 << o.steps) - 1) & ~done;
      if (fresh !== 0) {
        done |= fresh & -fresh;
        times.push(trail[j]!.ts);
      }
    }
    return { depth: times.length, times, value: start.value };
  }
  const times = [start.ts];
  let position = entry;
  for (let step = 1; step < o.steps; step++) {
    let found = -1;
    for (let j = position + 1; j < trail.length && trail[j]!.ts <= deadline; j++) {
      if (trail[j]!.mask & (1 << step)) {
        found = j;
        break;
      }
      // Strict: the very next event must be the next step.
      if (o.order === 'strict') break;
    }
    if (found < 0) break;
    times.push(trail[found]!.ts);
    position = found;
  }
  let depth = times.length;
  for (const exclusion of o.exclusions) {
    if (depth <= exclusion.to) continue;
    const [after, before] = [times[exclusion.from]!, times[exclusion.to]!];
    if (trail.some((e) => e.mask & (1 << exclusion.bit) && e.ts > after && e.ts < before)) depth = Math.min(depth, exclusion.from + 1);
  }
  return { depth, times: times.slice(0, depth), value: start.value };
}

/** The best attempt of one person (or session), null when they never entered the funnel. */
export function walkFunnel(trail: TrailEvent[], o: WalkOptions): Attempt | null {
  const entryMask = o.order === 'any' ? (1 << o.steps) - 1 : 1;
  let best: Attempt | null = null;
  for (let i = 0; i < trail.length; i++) {
    if ((trail[i]!.mask & entryMask) === 0) continue;
    const attempt = attemptFrom(trail, i, o);
    if (best === null || attempt.depth > best.depth) best = attempt;
    if (best.depth === o.steps) break;
  }
  return best;
}

/** A trail of numbers ts·2^bits + mask, in time order, as the funnel reads it when there is no breakdown. */
export function unpackTrail(keys: readonly number[], bits: number): TrailEvent[] {
  const scale = 2 ** bits;
  const trail = new Array<TrailEvent>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const packed = keys[i]!;
    const mask = ((packed % scale) + scale) % scale;
    trail[i] = { ts: (packed - mask) / scale, mask, value: null };
  }
  return trail;
}

/** Parse a trail built in SQL: items `sortableTime:mask(10 digits):value` joined by `sep`, already in time order. */
export function parseTrail(text: string, sep: string): TrailEvent[] {
  if (text === '') return [];
  return text.split(sep).map((item) => {
    const a = item.indexOf(':');
    const b = item.indexOf(':', a + 1);
    const value = item.slice(b + 1);
    return { ts: Number(item.slice(0, a)) - SORTABLE_TIME_OFFSET, mask: Number(item.slice(a + 1, b)), value: value === '' ? null : value.slice(1) };
  });
}
