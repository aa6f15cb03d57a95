import type { KeyedList } from '../../store/event-store/port.js';

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

/** Digits of a wide trail's mask (zero-padded, so text order is number order): 30 bits need 10. */
export const MASK_DIGITS = 10;

/**
 * Reads a person's trail, in time order, into columns it reuses from one person to the next: the walk keeps
 * nothing of a trail but the attempt. Packed trails are numbers ts·2^bits + mask (each with a breakdown text
 * when there is a breakdown, '' for none); wide ones (too many bits to pack) are (ts, text) pairs whose text
 * is the mask in MASK_DIGITS digits, ':' and the breakdown text.
 */
export class TrailReader {
  private ts = new Float64Array(64);
  private mask = new Int32Array(64);

  constructor(private readonly bits: number) {}

  packed(keys: ArrayLike<number>, texts?: (index: number) => string): Trail {
    this.fit(keys.length);
    const scale = 2 ** this.bits;
    for (let i = 0; i < keys.length; i++) {
      const packed = keys[i]!;
      // Exact in doubles below 2^53, also for times before 1970: dividing by a power of two loses nothing, and
      // floor() is several times cheaper than the two floating-point remainders it replaces.
      const ts = Math.floor(packed / scale);
      this.ts[i] = ts;
      this.mask[i] = packed - ts * scale;
    }
    const value = texts ? (index: number) => texts(index) || null : null;
    return { length: keys.length, ts: this.ts, mask: this.mask, value };
  }

  wide(list: KeyedList): Trail {
    const { keys } = list;
    this.fit(keys.length);
    for (let i = 0; i < keys.length; i++) {
      this.ts[i] = keys[i]!;
      this.mask[i] = Number(list.text(i).slice(0, MASK_DIGITS));
    }
    return { length: keys.length, ts: this.ts, mask: this.mask, value: (index) => list.text(index).slice(MASK_DIGITS + 1) || null };
  }

  private fit(length: number): void {
    if (length <= this.ts.length) return;
    const size = 2 ** Math.ceil(Math.log2(length));
    this.ts = new Float64Array(size);
    this.mask = new Int32Array(size);
  }
}
