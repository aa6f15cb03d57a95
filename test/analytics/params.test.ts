import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Params } from '../../src/analytics/sql/params.js';

describe('Params', () => {
  it('hands back a placeholder per value, and set() rebinds one for the next run of the same SQL', () => {
    const p = new Params();
    const event = p.add('Order Completed');
    const bucket = p.add(0);
    assert.deepEqual([event, bucket], ['$p0', '$p1']);
    p.set(bucket, 1);
    assert.deepEqual(p.values, { p0: 'Order Completed', p1: 1 });
  });

  it('refuses to set a placeholder it never handed out', () => {
    const p = new Params();
    p.add('x');
    assert.throws(() => p.set('$p7', 1), /\$p7 is not a placeholder/);
    assert.deepEqual(p.values, { p0: 'x' });
  });
});
