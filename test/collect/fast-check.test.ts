import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incomingEventSchema } from '../../src/core/events.js';
import { FAST_CHECKED_FIELDS, isPlainValidEvent } from '../../src/collect/pipeline/fast-check.js';
import { mulberry32 } from '../../src/core/prng.js';

/** Values near every limit of the schema: lengths at and past each max, wrong types, null, nested shapes. */
function valueFor(rand: () => number): unknown {
  const text = (n: number) => 'x'.repeat(n);
  const pool: unknown[] = [
    undefined,
    null,
    '',
    'a',
    text(64),
    text(65),
    text(256),
    text(257),
    text(512),
    text(513),
    0,
    -1,
    42.5,
    true,
    false,
    [],
    ['a'],
    {},
    { plan: 'pro', nested: { a: [1, 2] } },
    JSON.parse('{"__proto__": {"polluted": true}}'),
    Object.create(null),
    new Date(0),
    'track',
    'identify',
    'page',
    'screen',
    'group',
    'alias',
    'purchase',
  ];
  return pool[Math.floor(rand() * pool.length)];
}

function randomEvent(rand: () => number): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const field of [...FAST_CHECKED_FIELDS, 'extra', '_metadata']) {
    if (rand() < 0.45) continue;
    event[field] = valueFor(rand);
  }
  return event;
}

describe('the fast event check', () => {
  it('knows exactly the fields of the schema', () => {
    assert.deepEqual([...FAST_CHECKED_FIELDS].sort(), Object.keys(incomingEventSchema.shape).sort());
  });

  it('never accepts what the schema rejects, and accepts the ordinary events the schema accepts', () => {
    const rand = mulberry32(7);
    let bothAccept = 0;
    let onlySchema = 0;
    for (let i = 0; i < 50_000; i++) {
      const event = rand() < 0.5 ? randomEvent(rand) : { type: 'track', event: 'Product Viewed', anonymousId: `a-${i}`, properties: { sku: 'x' }, context: { page: { path: '/' } }, messageId: `m-${i}`, timestamp: '2026-01-01T00:00:00Z', ...(rand() < 0.3 ? randomEvent(rand) : {}) };
      const fast = isPlainValidEvent(event);
      const schema = incomingEventSchema.safeParse(event).success;
      if (fast) assert.ok(schema, `the fast check accepted what the schema rejects: ${JSON.stringify(event)}`);
      if (fast && schema) bothAccept++;
      if (!fast && schema) onlySchema++;
    }
    // Both outcomes occur, so the comparison above covered accepted and rejected input.
    assert.ok(bothAccept > 10_000, `${bothAccept} events accepted by both`);
    assert.ok(onlySchema > 0, 'some valid events take the schema path (an own __proto__ key, a null-prototype object, a Date)');
  });

  it('rejects non-objects and arrays', () => {
    for (const value of [null, undefined, 'track', 1, [], [{ type: 'track' }]]) assert.equal(isPlainValidEvent(value), false);
  });
});
