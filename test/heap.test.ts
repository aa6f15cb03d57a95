import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { describe, it } from 'node:test';
import { releaseGarbage } from '../src/ops/heap.js';

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
