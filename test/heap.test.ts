import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { describe, it } from 'node:test';
import { HeapCeiling, releaseGarbage } from '../src/ops/heap.js';

const used = () => v8.getHeapStatistics().used_heap_size;
const MB = 1024 * 1024;

describe('releaseGarbage', () => {
  it('collects a large unreachable working set at once, and leaves a small heap to V8', () => {
    let rows: { id: string; values: number[] }[] | null = Array.from({ length: 200_000 }, (_, i) => ({ id: `person-${i}`, values: [i, i + 1, i + 2] }));
    assert.equal(rows.length, 200_000);
    const holding = used();
    rows = null;
    assert.equal(releaseGarbage(Number.MAX_SAFE_INTEGER), false, 'below the threshold nothing is collected');
    assert.equal(releaseGarbage(0), true);
    const freed = holding - used();
    assert.ok(freed > 20 * MB, `the rows' ~30 MB were collected (freed ${(freed / MB).toFixed(1)} MB)`);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'no global gc is left behind');
  });
});

describe('HeapCeiling', () => {
  const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `person-${i}`, values: [i, i + 1, i + 2] }));

  it('collects once the heap in use passes the ceiling, and not before', () => {
    const ceiling = new HeapCeiling(used() + 40 * MB);
    assert.equal(ceiling.check(), false, 'below the ceiling');
    let garbage: unknown[] | null = rowsOf(400_000); // ~60 MB
    assert.ok(garbage.length > 0);
    garbage = null;
    const before = used();
    assert.equal(ceiling.check(), true);
    assert.ok(before - used() > 30 * MB, `the garbage was collected (${((before - used()) / MB).toFixed(1)} MB)`);
  });

  it('moves above a large live set instead of collecting flush after flush, and comes back down', () => {
    releaseGarbage(0);
    const base = used() + 10 * MB;
    const ceiling = new HeapCeiling(base);
    let live: unknown[] | null = rowsOf(400_000); // held: survives the collection
    assert.equal(ceiling.check(), true);
    assert.ok(ceiling.limitBytes >= 1.4 * used(), `the ceiling (${(ceiling.limitBytes / MB).toFixed(0)} MB) sits above the live heap`);
    assert.equal(ceiling.check(), false, 'the next flush does not collect again');
    assert.equal(live.length, 400_000);
    live = null;
    releaseGarbage(0);
    // Garbage past the raised ceiling: held until the heap is there, so no scavenge takes it first, then dropped.
    let held: unknown[][] | null = [];
    while (used() < ceiling.limitBytes + 5 * MB && held.length < 50) held.push(rowsOf(100_000));
    assert.ok(used() >= ceiling.limitBytes, 'the heap in use passed the raised ceiling');
    held = null;
    assert.equal(ceiling.check(), true);
    assert.equal(ceiling.limitBytes, base, 'with the live set gone the ceiling is back at its base');
  });
});
