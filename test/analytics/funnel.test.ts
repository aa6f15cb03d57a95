import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { counts, identify, page, serveFixture, track } from './support.js';

const A = 'Product Viewed';
const B = 'Product Added';
const C = 'Order Completed';
const STEPS = [{ event: A }, { event: B }, { event: C }];

/*
 * Hand-computed fixture (hours after T0; window 1 day):
 *   u1  A@0 B@1 C@2 (C sent first: out-of-order arrival)   ordered 3, strict 3, any 3
 *   u2  A@0 B@3                                             2, 2, 2
 *   u3  A@0 C@1 B@2                                         2, 1, 3
 *   u4  B@0                                                 –, –, 1
 *   u5  A@0 A@26 B@27 C@28 (second entry is the one)        3, 3, 3
 *   u6  anonymous A@0, identify@0.5 (merge), B@1 as u6      2, 1, 2
 *   u7  A@0 page@0.5 B@1                                    2, 1, 2
 *   u8  A@0 B@24 (exactly the window)                       2, 2, 2
 *   u9  A@0 B@24h+1ms (just outside)                        1, 1, 1
 *   u10 A@0 A@5 (only ever step 1: no walk needed)          1, 1, 1
 */
const FIXTURE = [
  track('u1', C, 2, { category: 'shoes' }, { sessionId: 's2' }),
  track('u1', A, 0, { category: 'shoes' }, { sessionId: 's1' }),
  track('u1', B, 1, {}, { sessionId: 's1' }),
  identify({ userId: 'u1' }, -1, { plan: 'pro' }),
  track('u2', A, 0, { category: 'hats' }, { sessionId: 's3' }),
  track('u2', B, 3, {}, { sessionId: 's3' }),
  identify({ userId: 'u2' }, -1, { plan: 'free' }),
  track('u3', A, 0, { category: 'shoes' }),
  track('u3', C, 1),
  track('u3', B, 2),
  track('u4', B, 0),
  track('u5', A, 0, { category: 'shoes' }),
  track('u5', A, 26, { category: 'hats' }),
  track('u5', B, 27),
  track('u5', C, 28),
  track({ anonymousId: 'a6' }, A, 0),
  identify({ userId: 'u6', anonymousId: 'a6' }, 0.5),
  track('u6', B, 1),
  track('u7', A, 0),
  page('u7', 0.5, { path: '/about' }),
  track('u7', B, 1),
  track('u8', A, 0),
  track('u8', B, 24),
  track('u9', A, 0),
  { ...track('u9', B, 0), timestamp: new Date(Date.parse(track('u9', B, 24).timestamp) + 1).toISOString() },
  track('u10', A, 0),
  track('u10', A, 5),
];

describe('funnel', () => {
  const s = serveFixture(FIXTURE);

  test('ordered: counts, conversion rates and median times, once per person after identity merges', async () => {
    const r = await s.ok('funnel', { steps: STEPS, window: '1d' });
    assert.deepEqual(counts(r.steps), [9, 7, 2]);
    assert.deepEqual(r.steps.map((x: any) => x.event), [A, B, C]);
    assert.equal(r.steps[1].conversionFromPrevious, 7 / 9);
    assert.equal(r.steps[2].conversionFromPrevious, 2 / 7);
    assert.equal(r.steps[2].conversionFromFirst, 2 / 9);
    assert.equal(r.steps[0].medianSecondsToConvert, null);
    // B−A seconds: 3600 (u1, u5, u6, u7), 10800 (u2), 7200 (u3), 86400 (u8) → median 3600.
    assert.equal(r.steps[1].medianSecondsToConvert, 3600);
    assert.equal(r.steps[2].medianSecondsToConvert, 3600);
  });

  test('strict: no other event of the person between steps', async () => {
    const r = await s.ok('funnel', { steps: STEPS, window: '1d', order: 'strict' });
    assert.deepEqual(counts(r.steps), [9, 4, 2]);
  });

  test('any order: steps in any order within the window', async () => {
    const r = await s.ok('funnel', { steps: STEPS, window: '1d', order: 'any' });
    assert.deepEqual(counts(r.steps), [10, 7, 3]);
  });

  test('the window boundary is inclusive', async () => {
    const r = await s.ok('funnel', { steps: [{ event: A }, { event: B }], window: '24h' });
    assert.deepEqual(counts(r.steps), [9, 7]);
    const shorter = await s.ok('funnel', { steps: [{ event: A }, { event: B }], window: '23h' });
    // u8 (24 h) drops out; u5's second entry still converts in 1 h.
    assert.deepEqual(counts(shorter.steps), [9, 6]);
  });

  test('exclusions stop an attempt at the first step of the pair', async () => {
    const r = await s.ok('funnel', { steps: STEPS, window: '1d', exclusions: [{ event: '$page', betweenSteps: [0, 1] }] });
    assert.deepEqual(counts(r.steps), [9, 6, 2]);
  });

  test('breakdown by a property of the entry event, and by a trait', async () => {
    const r = await s.ok('funnel', { steps: STEPS, window: '1d', breakdown: { property: 'category' } });
    const byValue = Object.fromEntries(r.breakdown.map((b: any) => [String(b.value), counts(b.steps)]));
    assert.deepEqual(byValue, { null: [5, 3, 0], hats: [2, 2, 1], shoes: [2, 2, 1] });
    assert.deepEqual(r.breakdown.map((b: any) => b.value), [null, 'hats', 'shoes']);
    const t = await s.ok('funnel', { steps: STEPS, window: '1d', breakdown: { trait: 'plan' } });
    const byPlan = Object.fromEntries(t.breakdown.map((b: any) => [String(b.value), counts(b.steps)]));
    assert.deepEqual(byPlan, { pro: [1, 1, 1], free: [1, 1, 0], null: [7, 5, 1] });
  });

  test('more than six steps and exclusions take the wide (unpacked) trail, with the same answers', async () => {
    // Seven bits do not fit the packed number (ts·64 + mask): exclusions of events nobody sent change nothing.
    const never = ['Never 1', 'Never 2', 'Never 3', 'Never 4'].map((event) => ({ event, betweenSteps: [0, 1] as [number, number] }));
    const r = await s.ok('funnel', { steps: STEPS, window: '1d', exclusions: never });
    assert.deepEqual(counts(r.steps), [9, 7, 2]); // as the ordered funnel without exclusions
    const byCategory = await s.ok('funnel', { steps: STEPS, window: '1d', exclusions: never, breakdown: { property: 'category' } });
    const byValue = Object.fromEntries(byCategory.breakdown.map((b: any) => [String(b.value), counts(b.steps)]));
    assert.deepEqual(byValue, { null: [5, 3, 0], hats: [2, 2, 1], shoes: [2, 2, 1] });
  });

  test('where filters on traits and properties; per-session counting', async () => {
    const pro = await s.ok('funnel', { steps: STEPS, window: '1d', where: [{ trait: 'plan', op: 'eq', value: 'pro' }] });
    assert.deepEqual(counts(pro.steps), [1, 1, 1]);
    const step = await s.ok('funnel', { steps: [{ event: A, where: [{ property: 'category', op: 'eq', value: 'hats' }] }, { event: B }], window: '1d' });
    assert.deepEqual(counts(step.steps), [2, 2]);
    const sessions = await s.ok('funnel', { steps: STEPS, window: '1d', unit: 'session' });
    assert.deepEqual(counts(sessions.steps), [2, 2, 0]);
  });

  test('from/to limit the events considered', async () => {
    const r = await s.ok('funnel', { steps: STEPS, window: '1d', from: '2026-01-06T00:00:00Z' });
    // Only u5's second attempt (26–28 h) and u8's/u9's B remain; only u5 enters.
    assert.deepEqual(counts(r.steps), [1, 1, 1]);
  });

  test('bad definitions are refused with a catalogued code that names the field', async () => {
    const one = await s.query('funnel', { steps: [{ event: A }] });
    assert.equal(one.status, 400);
    assert.equal(one.body.code, 'CT_INVALID_ANALYTICS_QUERY');
    assert.match(one.body.message, /steps/);
    const window = await s.query('funnel', { steps: STEPS, window: '7 days' });
    assert.equal(window.status, 400);
    assert.match(window.body.message, /window/);
    const exclusion = await s.query('funnel', { steps: STEPS, exclusions: [{ event: 'X', betweenSteps: [1, 1] }] });
    assert.equal(exclusion.status, 400);
    const unknown = await s.query('nope', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'CT_UNKNOWN_QUERY_KIND');
    const injected = await s.ok('funnel', { steps: [{ event: "x' OR 1=1 --" }, { event: B }] });
    assert.deepEqual(counts(injected.steps), [0, 0]);
  });

  test('reading analytics needs the admin token', async () => {
    const res = await fetch(`${s.server.url}/api/query/funnel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
  });
});
