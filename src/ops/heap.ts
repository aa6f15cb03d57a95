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
