import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRow } from '../../src/store/event-store/columns.js';
import { idChunks, pickSurvivors, type Survivor } from '../../src/store/event-store/clickhouse/final-rows.js';

const survivor = (message_id: string, node_id: string, batch_seq: number, batch_pos: number): Survivor => ({ message_id, node_id, batch_seq: String(batch_seq), batch_pos });
const row = (message_id: string, node_id: string, batch_seq: number, batch_pos: number, note: string): EventRow => ({ message_id, node_id, batch_seq: String(batch_seq), batch_pos, note });

describe('ClickHouse FINAL survivors', () => {
  it('keeps the copy FINAL chose, in the survivors order', () => {
    const rows = [row('a', 'n1', 1, 0, 'a from n1'), row('b', 'n1', 1, 1, 'b'), row('a', 'n2', 4, 2, 'a from n2')];
    const picked = pickSurvivors([survivor('b', 'n1', 1, 1), survivor('a', 'n2', 4, 2)], rows);
    assert.deepEqual(picked.map((r) => r.note), ['b', 'a from n2']);
  });

  it('falls back to another copy, and skips a messageId with no row left', () => {
    const picked = pickSurvivors([survivor('a', 'n9', 1, 0), survivor('gone', 'n1', 1, 1)], [row('a', 'n1', 1, 0, 'other copy')]);
    assert.deepEqual(picked.map((r) => r.note), ['other copy']);
  });

  it('splits long id lists by literal size, never leaving a chunk empty', () => {
    const ids = ['x'.repeat(40), 'y'.repeat(40), 'z'.repeat(40)];
    assert.deepEqual(idChunks(ids, 90), [[ids[0], ids[1]], [ids[2]]]);
    assert.deepEqual(idChunks(['x'.repeat(500)], 90), [['x'.repeat(500)]]);
    assert.deepEqual(idChunks([]), []);
  });
});
