import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeLifecycleTraits } from '../../src/analytics/kinds/lifecycle.js';
import { queryContext } from '../../src/analytics/run-query.js';
import { ManualClock } from '../../src/core/clock.js';
import { at, DAY, identify, page, serveFixture, T0, track } from './support.js';

const D = 24; // fixture times are days after T0 (Monday 2026-01-05); weeks W0 … W4 start on days 0, 7, … 28
const ORDER = 'Order Completed';
const TO = at(35 * D); // as of Monday 2026-02-09: the reported weeks are W2, W3, W4
// Short windows so a five-week fixture shows every stage.
const RULES = { dormantAfter: '14d', churnedAfter: '28d', repeatWithin: '7d', loyalOrders: 3, loyalWithin: '14d', periods: 3, to: TO };

/*
 * Hand-computed fixture (days): stage at the end of W1 (d14) / W2 (d21) / W3 (d28) / as of d35, and the
 * activity status in W2 / W3 / W4.
 *   L1 anonymous page d30                                   – / – / – / reached              · · new
 *   L2 page + identify d16, page d33                        – / acquired / acquired / acquired   new · dormant · resurrecting
 *   L3 Signed Up d2, Order d20, page d34                    acquired / converted / converted / converted  resurrecting · dormant · resurrecting
 *   L4 Order d10, Order d15 (5 d later), page d32           converted / retained / retained / retained   returning · dormant · resurrecting
 *   L5 identify d25, Orders d25, d27, d31 (sent reversed)   – / – / retained / loyal         · new · returning
 *   L6 page d5, Order d6, page d17                          converted ×3 / dormant (18 d idle)  resurrecting · dormant · –
 *   L7 Order d3, Subscription Cancelled d22, page d34       converted / dormant (18 d idle) / churned / churned  · resurrecting · returning
 *   L8 page d0                                              dormant / dormant / churned (28 d idle) / churned
 *   L9 anonymous page d20, identify d21.5 (merge), Order d23  – / reached / converted / converted   new · returning · dormant
 */
const FIXTURE = [
  page({ anonymousId: 'a1' }, 30 * D),
  page('L2', 16 * D), identify({ userId: 'L2' }, 16 * D), page('L2', 33 * D),
  track('L3', 'Signed Up', 2 * D), track('L3', ORDER, 20 * D), page('L3', 34 * D),
  track('L4', ORDER, 10 * D), track('L4', ORDER, 15 * D), page('L4', 32 * D),
  track('L5', ORDER, 31 * D), track('L5', ORDER, 27 * D), track('L5', ORDER, 25 * D), identify({ userId: 'L5' }, 25 * D),
  page('L6', 5 * D), track('L6', ORDER, 6 * D), page('L6', 17 * D),
  track('L7', ORDER, 3 * D), track('L7', 'Subscription Cancelled', 22 * D), page('L7', 34 * D),
  page('L8', 0),
  page({ anonymousId: 'a9' }, 20 * D), identify({ userId: 'L9', anonymousId: 'a9' }, 21.5 * D), track('L9', ORDER, 23 * D),
];

const stages = (reached: number, acquired: number, converted: number, retained: number, loyal: number, dormant: number, churned: number) =>
  ({ reached, acquired, converted, retained, loyal, dormant, churned });
const activity = (p: any) => [p.new, p.returning, p.resurrecting, p.dormant];
const transitions = (p: any) => p.transitions.map((t: any) => `${t.from}>${t.to}:${t.count}`);

describe('lifecycle', () => {
  const s = serveFixture(FIXTURE);

  test('stages as of `to`, per period, with the transitions between period ends', async () => {
    const r = await s.ok('lifecycle', RULES);
    assert.equal(r.asOf, '2026-02-09T00:00:00.000Z');
    assert.deepEqual(r.stages, stages(1, 1, 2, 1, 1, 1, 2));
    assert.deepEqual(r.periods.map((p: any) => p.period), ['2026-01-19T00:00:00.000Z', '2026-01-26T00:00:00.000Z', '2026-02-02T00:00:00.000Z']);
    assert.deepEqual(r.periods.map((p: any) => p.stages), [stages(1, 1, 2, 1, 0, 2, 0), stages(0, 1, 3, 2, 0, 0, 2), stages(1, 1, 2, 1, 1, 1, 2)]);
    assert.deepEqual(transitions(r.periods[0]), [
      'acquired>converted:1', 'converted>converted:1', 'converted>dormant:1', 'converted>retained:1', 'dormant>dormant:1', 'none>acquired:1', 'none>reached:1',
    ]);
    assert.deepEqual(transitions(r.periods[2]), [
      'churned>churned:2', 'converted>converted:2', 'acquired>acquired:1', 'converted>dormant:1', 'none>reached:1', 'retained>loyal:1', 'retained>retained:1',
    ]);
  });

  test('new / returning / resurrecting / dormant per period (PostHog lifecycle)', async () => {
    const r = await s.ok('lifecycle', RULES);
    assert.deepEqual(r.periods.map(activity), [[2, 1, 2, 0], [1, 1, 1, 4], [1, 2, 3, 1]]);
    const months = await s.ok('lifecycle', { ...RULES, period: 'month', periods: 2 });
    // January: everyone but L1 is new; February: L1 new, five return, L6, L8 and L9 went dormant.
    assert.deepEqual(months.periods.map(activity), [[8, 0, 0, 0], [1, 5, 0, 3]]);
  });

  test('documented defaults: 30 d dormant, 90 d churned, 3 orders within 90 d loyal', async () => {
    const r = await s.ok('lifecycle', { to: TO });
    // L6 (18 d idle) is still converted; L8 (35 d idle) is dormant, not churned.
    assert.deepEqual(r.stages, stages(1, 1, 3, 1, 1, 1, 1));
    assert.equal(r.periods.length, 8);
    assert.equal(r.period, 'week');
  });

  test('from leaves earlier history out', async () => {
    const r = await s.ok('lifecycle', { ...RULES, from: at(14 * D) });
    // L8 is never seen; L4 has one order left (converted); L6's order is gone: dormant; L7's churn still stands.
    assert.deepEqual(r.stages, stages(1, 1, 3, 0, 1, 1, 1));
  });

  test('computed traits: each person\'s stage as of the injected clock', async () => {
    const clock = new ManualClock(T0 + 35 * DAY);
    const rows = await computeLifecycleTraits(queryContext(s.server.runtime.events.analytics, clock), {});
    assert.equal(rows.length, 9);
    const stageOf = async (lookup: string) => {
      const { personId } = await s.server.person(lookup);
      return rows.find((r) => r.personId === personId)?.traits.lifecycleStage;
    };
    assert.equal(await stageOf('anonymousId=a1'), 'reached');
    assert.equal(await stageOf('userId=L5'), 'loyal');
    assert.equal(await stageOf('userId=L7'), 'churned');
    assert.equal(await stageOf('userId=L8'), 'dormant');
    assert.equal(await stageOf('anonymousId=a9'), 'converted');
    // Earlier on the clock, fewer people and earlier stages: at d21 L9 was only reached.
    clock.set(T0 + 21 * DAY);
    const early = await computeLifecycleTraits(queryContext(s.server.runtime.events.analytics, clock), RULES);
    assert.equal(early.length, 9, 'an explicit `to` wins over the clock');
    const asOf21 = await computeLifecycleTraits(queryContext(s.server.runtime.events.analytics, clock), { ...RULES, to: undefined });
    assert.equal(asOf21.length, 7);
    const l9 = (await s.server.person('userId=L9')).personId;
    assert.equal(asOf21.find((r) => r.personId === l9)?.traits.lifecycleStage, 'reached');
  });

  test('bad definitions are refused with a catalogued code', async () => {
    const order = await s.query('lifecycle', { dormantAfter: '30d', churnedAfter: '30d' });
    assert.equal(order.status, 400);
    assert.equal(order.body.code, 'CT_INVALID_ANALYTICS_QUERY');
    assert.match(order.body.message, /churnedAfter/);
    const loyal = await s.query('lifecycle', { loyalOrders: 1 });
    assert.equal(loyal.status, 400);
    assert.match(loyal.body.message, /loyalOrders/);
  });
});
