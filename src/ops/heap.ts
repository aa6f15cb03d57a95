import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full garbage collection on demand, for the moment a large working set has just become garbage. An analytic
 * query's rows and trails (tens of MB at 10M events) are otherwise collected only when V8 next needs room, so the
 * heap grew from query to query (50 → 140 MB in bench:analytics) and the next query's DuckDB memory stacked on
 * top of it: the server's peak went from 490–507 MB to 429–467 MB with a collection after each query.
 *
 * Node hands out `gc` only under --expose-gc; turning the flag on for one new context and off again yields the
 * function without a command-line flag and without a global (the pattern of jest's leak detector).
 */
const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  try {
    return vm.runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
})();

/** Collect now if at least `aboveBytes` of heap are in use (below that, V8's own pacing costs less); true if it did. */
export function releaseGarbage(aboveBytes: number): boolean {
  if (v8.getHeapStatistics().used_heap_size < aboveBytes) return false;
  collect();
  return true;
}

/**
 * Keeps the heap of a busy ingest path near a ceiling instead of V8's own limit. Requests live for a group commit
 * (~100 ms), long enough to be promoted, so V8 let old space fill with their garbage to ~100 MB before each major
 * collection; bench:ingest at 1M events peaked at 426–450 MB RSS with a 132–137 MB heap. Collecting once the heap
 * in use passes the ceiling kept it at 78–86 MB and the peak at 366–380 MB, for ~1% of the event loop.
 *
 * When what survives a collection is itself near the ceiling (a large live set, e.g. an analytic query running),
 * the ceiling moves up to 1.5× the survivors, so collections never follow one another flush after flush; it
 * comes back down as the live set shrinks.
 */
export class HeapCeiling {
  private limit: number;

  constructor(private readonly baseBytes: number) {
    this.limit = baseBytes;
  }

  /** The heap in use above which `check()` collects. */
  get limitBytes(): number {
    return this.limit;
  }

  /** Collect if the heap in use passed the ceiling; true if it did. */
  check(): boolean {
    if (v8.getHeapStatistics().used_heap_size < this.limit) return false;
    collect();
    this.limit = Math.max(this.baseBytes, Math.round(1.5 * v8.getHeapStatistics().used_heap_size));
    return true;
  }
}
