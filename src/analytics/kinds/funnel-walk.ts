import { SORTABLE_TIME_OFFSET } from '../sql/dialect.js';

/**
 * The per-person ordered walk (PostHog moved to this from ClickHouse's windowFunnel, whose long funnels timed
 * out): a person's matching events in time order, tried from every entry into step 1; the attempt that gets
 * furthest counts, the earliest of equally good ones, once per person.
 */
export type FunnelOrder = 'ordered' | 'strict' | 'any';

/**
 * A person's matching events in time order, as columns (no object per event: at 10M events the funnel walks
 * ~2M of them). Entry i: `ts[i]`, `mask[i]` (bit i: matches step i; bit steps + j: matches exclusion j; 0 for
 * other events, strict mode only), and the breakdown value it carries (property breakdowns) or null.
 */
export interface Trail {
  length: number;
  ts: ArrayLike<number>;
  mask: ArrayLike<number>;
  value: ((index: number) => string | null) | null;
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

function attemptFrom(trail: Trail, entry: number, o: WalkOptions): Attempt {
  const { ts, mask } = trail;
  const start = ts[entry]!;
  const value = trail.value?.(entry) ?? null;
  const deadline = start + o.windowMs;
  if (o.order === 'any') {
    const times = [start];
    let done = mask[entry]! & ((1 << o.steps) - 1);
    // The entry counts for one step only (its lowest); its other bits may be met by later events.
    done &= done & -done;
    for (let j = entry + 1; j < trail.length && ts[j]! <= deadline && times.length < o.steps; j++) {
      const fresh = mask[j]! & ((1 << o.steps) - 1) & ~done;
      if (fresh !== 0) {
        done |= fresh & -fresh;
        times.push(ts[j]!);
      }
    }
    return { depth: times.length, times, value };
  }
  const times = [start];
  let position = entry;
  for (let step = 1; step < o.steps; step++) {
    let found = -1;
    for (let j = position + 1; j < trail.length && ts[j]! <= deadline; j++) {
      if (mask[j]! & (1 << step)) {
        found = j;
        break;
      }
      // Strict: the very next event must be the next step.
      if (o.order === 'strict') break;
    }
    if (found < 0) break;
    times.push(ts[found]!);
    position = found;
  }
  let depth = times.length;
  for (const exclusion of o.exclusions) {
    if (depth <= exclusion.to) continue;
    const [after, before] = [times[exclusion.from]!, times[exclusion.to]!];
    for (let j = 0; j < trail.length; j++) {
      if (mask[j]! & (1 << exclusion.bit) && ts[j]! > after && ts[j]! < before) {
        depth = Math.min(depth, exclusion.from + 1);
        break;
      }
    }
  }
  return { depth, times: times.slice(0, depth), value };
}

/** The best attempt of one person (or session), null when they never entered the funnel. */
export function walkFunnel(trail: Trail, o: WalkOptions): Attempt | null {
  const entryMask = o.order === 'any' ? (1 << o.steps) - 1 : 1;
  let best: Attempt | null = null;
  for (let i = 0; i < trail.length; i++) {
    if ((trail.mask[i]! & entryMask) === 0) continue;
    const attempt = attemptFrom(trail, i, o);
    if (best === null || attempt.depth > best.depth) best = attempt;
    if (best.depth === o.steps) break;
  }
  return best;
}

/**
 * Reads trails of numbers ts·2^bits + mask in time order (each with a breakdown text when there is a breakdown,
 * '' for none) into columns it reuses from one person to the next: the walk keeps nothing of a trail but the attempt.
 */
export class PackedTrailReader {
  private ts = new Float64Array(64);
  private mask = new Int32Array(64);

  constructor(private readonly bits: number) {}

  read(keys: ArrayLike<number>, texts?: (index: number) => string): Trail {
    if (keys.length > this.ts.length) {
      const size = 2 ** Math.ceil(Math.log2(keys.length));
      this.ts = new Float64Array(size);
      this.mask = new Int32Array(size);
    }
    const scale = 2 ** this.bits;
    for (let i = 0; i < keys.length; i++) {
      const packed = keys[i]!;
      const mask = ((packed % scale) + scale) % scale;
      this.mask[i] = mask;
      this.ts[i] = (packed - mask) / scale;
    }
    const value = texts ? (index: number) => texts(index) || null : null;
    return { length: keys.length, ts: this.ts, mask: this.mask, value };
  }
}

/** Parse a trail built in SQL: items `sortableTime:mask(10 digits):value` joined by `sep`, already in time order. */
export function parseTrail(text: string, sep: string): Trail {
  const items = text === '' ? [] : text.split(sep);
  const ts = new Array<number>(items.length);
  const mask = new Array<number>(items.length);
  const values = new Array<string | null>(items.length);
  items.forEach((item, i) => {
    const a = item.indexOf(':');
    const b = item.indexOf(':', a + 1);
    const value = item.slice(b + 1);
    ts[i] = Number(item.slice(0, a)) - SORTABLE_TIME_OFFSET;
    mask[i] = Number(item.slice(a + 1, b));
    values[i] = value === '' ? null : value.slice(1);
  });
  return { length: items.length, ts, mask, value: (index) => values[index] ?? null };
}
