import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, identify, page, serveFixture, track } from './support.js';

const ORDER = 'Order Completed';
const D = 24; // hours per day: fixture times are days after T0 (Monday 2026-01-05 00:00 UTC)
const TO = at(28 * D); // Monday 2026-02-02: weeks W-1 … W3 are all observed, W4 starts here

/*
 * Hand-computed fixture (days after T0; weeks Wn start Mondays, W0 = 2026-01-05):
 *   r6  page d-1 (W-1, Sunday), page d8 (W1)                     cohort W-1: k0, k2
 *   r1  page d0, page d8, Order d15, page d15.5 (plan: pro)      cohort W0:  k0, k1, k2
 *   r2  anonymous page d1, identify d1.5 (merge), Order d22      cohort W0:  k0, k3
 *   r3  Signed Up d6.9 (Sunday night), page d7 (Monday 00:00)   cohort W0:  k0, k1
 *   r4  page d7 (exactly W1's start), page d8, Order d9, page d21  cohort W1: k0, k2
 *   r5  page d14 (sent first: out-of-order arrival), page d10    cohort W1:  k0, k1
 */
const FIXTURE = [
  page('r6', -1 * D),
  page('r6', 8 * D),
  page('r1', 0),
  page('r1', 8 * D),
  track('r1', ORDER, 15 * D),
  page('r1', 15.5 * D),
  identify({ userId: 'r1' }, 0, { plan: 'pro' }),
  page({ anonymousId: 'a2' }, 1 * D),
  identify({ userId: 'r2', anonymousId: 'a2' }, 1.5 * D),
  track('r2', ORDER, 22 * D),
  track('r3', 'Signed Up', 6.9 * D),
  page('r3', 7 * D),
  page('r4', 7 * D),
  page('r4', 8 * D),
  track('r4', ORDER, 9 * D),
  page('r4', 21 * D),
  page('r5', 14 * D),
  page('r5', 10 * D),
];

const cohorts = (r: any) => Object.fromEntries(r.cohorts.map((c: any) => [c.cohort.slice(0, 10), [c.size, ...c.counts]]));

describe('retention', () => {
  const s = serveFixture(FIXTURE);

  test('weekly cohorts by first event, returned in exactly period k, after identity merges', async () => {
    const r = await s.ok('retention', { period: 'week', periods: 4, to: TO });
    assert.equal(r.mode, 'on');
    // [size, k0, k1, k2, k3]; W1's period 3 (W4) has not begun by `to`.
    assert.deepEqual(cohorts(r), {
      '2025-12-29': [1, 1, 0, 1, 0],
      '2026-01-05': [3, 3, 2, 1, 1],
      '2026-01-12': [2, 2, 1, 1, null],
    });
    assert.deepEqual(r.cohorts[1].percentages, [100, (100 * 2) / 3, 100 / 3, 100 / 3]);
    // Totals weigh cohorts by size, each period over the cohorts that reached it (k3: 1 of the 4 people of W-1, W0).
    assert.deepEqual(r.totals, { size: 6, counts: [6, 3, 3, 1], percentages: [100, 50, 50, 25] });
  });

  test('onOrAfter: returned in period k or any later period', async () => {
    const r = await s.ok('retention', { period: 'week', periods: 4, mode: 'onOrAfter', to: TO });
    assert.deepEqual(cohorts(r), {
      '2025-12-29': [1, 1, 1, 1, 0],
      '2026-01-05': [3, 3, 3, 2, 1],
      '2026-01-12': [2, 2, 2, 1, null],
    });
    assert.deepEqual(r.totals.counts, [6, 6, 4, 1]);
  });

  test('a start event starts the cohort; returns count from that moment on', async () => {
    const r = await s.ok('retention', { startEvent: { event: ORDER }, returnEvent: { event: '$page' }, periods: 3, to: TO });
    // r4: Order d9 (W1), its page d7/d8 came before the start, page d21 is k2. r1: Order d15, page d15.5 is k0. r2: none.
    assert.deepEqual(cohorts(r), {
      '2026-01-12': [1, 0, 0, 1],
      '2026-01-19': [1, 1, 0, null],
      '2026-01-26': [1, 0, null, null],
    });
    // The start event itself is a return when it matches the return event: period 0 is then everyone.
    const same = await s.ok('retention', { startEvent: { event: ORDER }, returnEvent: { event: ORDER }, periods: 1, to: TO });
    assert.deepEqual(same.totals, { size: 3, counts: [3], percentages: [100] });
  });

  test('day and month periods, in UTC', async () => {
    const days = await s.ok('retention', { period: 'day', periods: 2, startEvent: { event: 'Signed Up' }, to: TO });
    // r3 signed up Sunday 21:36 and came back Monday 00:00: the next day.
    assert.deepEqual(cohorts(days), { '2026-01-11': [1, 1, 1] });
    const months = await s.ok('retention', { period: 'month', periods: 3, to: TO });
    // r6's Sunday d-1 is 2026-01-04: everyone is in January. February has begun by `to` (nobody returned yet); March has not.
    assert.deepEqual(cohorts(months), { '2026-01-01': [6, 6, 0, null] });
  });

  test('from selects cohorts by first event ever; to ends the observation', async () => {
    const r = await s.ok('retention', { periods: 4, from: at(0), to: TO });
    // r6 was first seen before `from`: not a new cohort member in W0/W1.
    assert.deepEqual(Object.keys(cohorts(r)), ['2026-01-05', '2026-01-12']);
    const early = await s.ok('retention', { periods: 4, to: at(14 * D) });
    // Events at or after 2026-01-19 are not seen; r5's page d14 is exactly at `to` (excluded).
    assert.deepEqual(cohorts(early), {
      '2025-12-29': [1, 1, 0, 1, null],
      '2026-01-05': [3, 3, 2, null, null],
      '2026-01-12': [2, 2, null, null, null],
    });
  });

  test('where filters narrow the people and events considered', async () => {
    const pro = await s.ok('retention', { periods: 4, to: TO, where: [{ trait: 'plan', op: 'eq', value: 'pro' }] });
    assert.deepEqual(cohorts(pro), { '2026-01-05': [1, 1, 1, 1, 0] });
    const filtered = await s.ok('retention', { periods: 4, to: TO, returnEvent: { event: ORDER, where: [{ property: 'missing', op: 'exists' }] } });
    assert.deepEqual(filtered.totals.counts, [0, 0, 0, 0]);
  });

  test('activation: retention of people who did the key event early vs the rest', async () => {
    const r = await s.ok('retention', {
      periods: 4,
      to: TO,
      activation: { event: '$page', minCount: 2, within: '7d', later: { from: '7d', to: '21d' } },
    });
    // Two pages within 7 days of their start: r4 (d7, d8) and r5 (d10, d14). Later window [start+7d, start+21d):
    // r4 returned (d21) and is eligible (start+21d = `to`, inclusive); r5's window ends after `to`: not eligible.
    assert.deepEqual(r.activation.activated, { people: 2, eligible: 1, returnedLater: 1, laterRate: 1, percentages: [100, 50, 50, null] });
    // r6 (d8), r1 (d8, d15) returned in their windows; r2's order at d22 is exactly at the window's end (excluded).
    assert.deepEqual(r.activation.notActivated, { people: 4, eligible: 4, returnedLater: 2, laterRate: 0.5, percentages: [100, 50, 50, 25] });
    assert.equal(r.activation.minCount, 2);
    const defaults = await s.ok('retention', { periods: 2, to: TO, activation: { event: ORDER } });
    // Defaults: once within 30 days; later window days 30–60, which nobody has finished by `to`.
    assert.deepEqual(defaults.activation.later, { from: '30d', to: '60d' });
    assert.equal(defaults.activation.activated.people, 3);
    assert.equal(defaults.activation.activated.eligible, 0);
    assert.equal(defaults.activation.activated.laterRate, 0);
  });

  test('bad definitions are refused with a catalogued code', async () => {
    const periods = await s.query('retention', { periods: 0 });
    assert.equal(periods.status, 400);
    assert.equal(periods.body.code, 'CT_INVALID_ANALYTICS_QUERY');
    assert.match(periods.body.message, /periods/);
    const later = await s.query('retention', { activation: { event: ORDER, later: { from: '60d', to: '30d' } } });
    assert.equal(later.status, 400);
    assert.match(later.body.message, /later/);
    const mode = await s.query('retention', { mode: 'sometimes' });
    assert.equal(mode.status, 400);
    const injected = await s.ok('retention', { startEvent: { event: "x' OR 1=1 --" }, to: TO });
    assert.deepEqual(injected.cohorts, []);
  });
});
