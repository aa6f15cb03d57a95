import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aliasRowsForMerges, type AliasRow } from '../../src/store/event-store/clickhouse/person-aliases.js';

const row = (from: string, to: string, at: number, version = 1): AliasRow => ({ from, to, at, version });

describe('ClickHouse person alias rows', () => {
  it('writes the merge and re-points every alias of the merged-away person, one version up', () => {
    const rows = aliasRowsForMerges([row('a', 'b', 1, 3)], [{ from: 'b', to: 'c', at: 2 }]);
    assert.deepEqual(rows, [row('a', 'c', 1, 4), row('b', 'c', 2, 1)]);
  });

  it('writes nothing when the merge is already recorded', () => {
    assert.deepEqual(aliasRowsForMerges([row('a', 'b', 1)], [{ from: 'a', to: 'b', at: 1 }]), []);
  });

  it('follows a merge into a person who was merged away since', () => {
    // b went into c; an old a→b merge recorded late must point at c, not at b.
    const rows = aliasRowsForMerges([row('b', 'c', 2)], [{ from: 'a', to: 'b', at: 1 }]);
    assert.deepEqual(rows, [row('a', 'c', 1, 1)]);
  });

  it('chains merges within one call', () => {
    const rows = aliasRowsForMerges([], [
      { from: 'a', to: 'b', at: 1 },
      { from: 'b', to: 'c', at: 2 },
      { from: 'c', to: 'd', at: 3 },
    ]);
    assert.deepEqual(rows, [row('a', 'd', 1), row('b', 'd', 2), row('c', 'd', 3)]);
  });

  it('turns a reversed merge into a tombstone instead of a cycle', () => {
    // b had gone into a, x into a; now a goes into b: b is final again, a and x point at b.
    const rows = aliasRowsForMerges([row('b', 'a', 1, 2), row('x', 'a', 1, 1)], [{ from: 'a', to: 'b', at: 5 }]);
    assert.deepEqual(rows, [row('b', 'b', 1, 3), row('x', 'b', 1, 2), row('a', 'b', 5, 1)]);
  });

  it('writes a tombstoned person above the tombstone version when merged again', () => {
    const rows = aliasRowsForMerges([row('b', 'b', 1, 3)], [{ from: 'b', to: 'z', at: 9 }]);
    assert.deepEqual(rows, [row('b', 'z', 9, 4)]);
  });

  it('ignores a merge of a person into itself', () => {
    assert.deepEqual(aliasRowsForMerges([], [{ from: 'a', to: 'a', at: 1 }]), []);
  });
});
