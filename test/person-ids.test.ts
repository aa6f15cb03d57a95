import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivePersonId } from '../src/core/ids.js';

// Engine-independent; runs once per pair.

describe('derived person ids', () => {
  it('are the same for the same node, batch and identity, and differ when any of them does', () => {
    const id = derivePersonId('local', 42, 'user:ann');
    assert.equal(derivePersonId('local', 42, 'user:ann'), id);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const others = [derivePersonId('local', 42, 'user:bob'), derivePersonId('node-b', 42, 'user:ann'), derivePersonId('local', 43, 'user:ann')];
    assert.equal(new Set([id, ...others]).size, 4);
  });

  it('sort by batch: every person a batch creates comes after those of earlier batches', () => {
    // The state store's person_id indexes then grow at their right edge (byte order, as SQLite and "C" collate).
    const keys = Array.from({ length: 200 }, (_, i) => `anon:${(i * 7919).toString(36)}`);
    const batches = [1, 2, 15, 16, 255, 256, 70_000, 2 ** 40].map((seq) => keys.map((key) => derivePersonId('local', seq, key)).sort());
    for (let b = 1; b < batches.length; b++) {
      assert.ok(batches[b - 1]!.at(-1)! < batches[b]![0]!, `batch ${b - 1}'s last id sorts before batch ${b}'s first`);
    }
  });
});
