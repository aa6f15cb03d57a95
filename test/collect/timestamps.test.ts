import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUtcIso } from '../../src/collect/pipeline/timestamps.js';
import { mulberry32 } from '../../src/core/prng.js';

/** ISO-like strings near every edge the fast path decides on: field ranges, lengths, separators, non-digits. */
function isoLike(rand: () => number): string {
  const pick = <T>(values: T[]): T => values[Math.floor(rand() * values.length)]!;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const year = pick([0, 50, 99, 100, 999, 1899, 1970, 2024, 2026, 9999]);
  const month = pick([0, 1, 2, 9, 12, 13]);
  const day = pick([0, 1, 28, 29, 30, 31, 32]);
  const hour = pick([0, 9, 23, 24]);
  const minute = pick([0, 30, 59, 60]);
  const second = pick([0, 30, 59, 60]);
  const millis = pick(['', '.000', '.5', '.123', '.999', '.1234', ',123', '.12a']);
  const zone = pick(['Z', 'Z', 'Z', '', '+09:00', '-0500', 'z']);
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  const time = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${millis}${zone}`;
  const text = `${date}${pick(['T', 'T', 'T', ' ', 't'])}${time}`;
  // Now and then a character somewhere becomes a non-digit of the same length.
  if (rand() < 0.1) {
    const at = Math.floor(rand() * text.length);
    return `${text.slice(0, at)}${pick(['x', '/', ' ', '9'])}${text.slice(at + 1)}`;
  }
  return text;
}

describe('parseUtcIso', () => {
  it('agrees with Date.parse on toISOString() output across the years', () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((rand() * 2 - 0.5) * 4e12);
      const iso = new Date(ms).toISOString();
      assert.equal(parseUtcIso(iso), Date.parse(iso), iso);
      const seconds = iso.replace(/\.\d{3}Z$/, 'Z');
      assert.equal(parseUtcIso(seconds), Date.parse(seconds), seconds);
    }
  });

  it('agrees with Date.parse (NaN included) on near-misses: out-of-range fields, other forms, stray characters', () => {
    const rand = mulberry32(11);
    let valid = 0;
    for (let i = 0; i < 50_000; i++) {
      const text = isoLike(rand);
      const expected = Date.parse(text);
      assert.deepEqual(parseUtcIso(text), expected, text);
      if (!Number.isNaN(expected)) valid++;
    }
    assert.ok(valid > 5_000 && valid < 45_000, `both kinds were exercised (${valid} parsed)`);
  });

  it('rolls an out-of-month day over as Date.parse does, and leaves two-digit years to it', () => {
    assert.equal(parseUtcIso('2026-02-30T00:00:00.000Z'), Date.UTC(2026, 2, 2));
    assert.equal(parseUtcIso('0050-01-01T00:00:00.000Z'), Date.parse('0050-01-01T00:00:00.000Z'));
    assert.ok(Number.isNaN(parseUtcIso('2026-01-01T23:60:00.000Z')));
  });
});
