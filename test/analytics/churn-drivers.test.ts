import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fisherExactTwoSided } from '../../src/analytics/stats/fisher.js';
import { ADMIN_TOKEN } from '../support/server.js';
import { ManualClock } from '../../src/core/clock.js';
import { DAY, identify, serveFixture, T0, track } from './support.js';

const day = (n: number) => n * 24;
const CANCEL = 'Subscription Cancelled';
const FAILED = 'Payment Failed';

/*
 * Six churners cancel on day 100; ten retained subscribers never cancel. Lookback 60 d, so churners' windows
 * and the retained window (before the churners' median churn time, day 100) are both [day 40, day 100).
 *   Payment Failed in window: c1 (sent anonymously, merged at sign-in), c2, c3, c4, c5 (exactly day 40: inside);
 *     not c6 (day 39); retained: r1 (day 50) only; r2's is on day 30, outside.
 *   Product Viewed on day 90: all 16 → lift 1.
 *   r11 is first seen after day 100: not comparable. Only c1–c6 and r1–r8 started a subscription.
 */
export function fixtureCalls(): object[] {
  const calls: object[] = [];
  for (let i = 1; i <= 6; i++) {
    calls.push(track(`c${i}`, 'Subscription Started', day(0)), track(`c${i}`, 'Product Viewed', day(90)), track(`c${i}`, CANCEL, day(100)));
  }
  calls.push(track({ anonymousId: 'anon-c1' }, FAILED, day(70)), identify({ userId: 'c1', anonymousId: 'anon-c1' }, day(71)));
  calls.push(track('c2', FAILED, day(60)), track('c3', FAILED, day(99)), track('c4', FAILED, day(41)), track('c5', FAILED, day(40)), track('c6', FAILED, day(39)));
  for (let i = 1; i <= 10; i++) {
    calls.push(track(`r${i}`, i <= 8 ? 'Subscription Started' : 'Signed Up', day(0)), track(`r${i}`, 'Product Viewed', day(90)));
  }
  calls.push(track('r1', FAILED, day(50)), track('r2', FAILED, day(30)), track('r11', 'Product Viewed', day(101)), track('r11', FAILED, day(102)));
  return calls;
}

describe('churn-drivers', () => {
  // The clock stands on day 95: the churnSignals trait looks at days 35–95.
  const clock = new ManualClock(T0 + 95 * DAY);
  const s = serveFixture(fixtureCalls(), { clock });

  test('every event name as a candidate: shares, lift and Fisher p, billing problems on top', async () => {
    const r = await s.ok('churn-drivers', { churnEvent: { event: CANCEL }, lookback: '60d' });
    assert.equal(r.churned, 6);
    assert.equal(r.retained, 10);
    assert.equal(r.referenceTime, '2026-04-15T00:00:00.000Z');
    const top = r.signals[0];
    assert.equal(top.signal, FAILED);
    assert.equal(top.churnedWithSignal, 5);
    assert.equal(top.churnedShare, 5 / 6);
    assert.equal(top.retainedWithSignal, 1);
    assert.equal(top.retainedShare, 1 / 10);
    assert.ok(Math.abs(top.lift - (5 / 6) / (1 / 10)) < 1e-12);
    // Hypergeometric N=16, K=6, n=6: P(5) = 60/8008, P(6) = 1/8008, every other table is likelier.
    assert.ok(Math.abs(top.pValue - 61 / 8008) < 1e-12);
    assert.equal(top.significant, true);
    const viewed = r.signals.find((x: any) => x.signal === 'Product Viewed');
    assert.equal(viewed.lift, 1);
    assert.equal(viewed.significant, false);
    assert.equal(r.signals.some((x: any) => x.signal === CANCEL || x.signal === '$identify'), false);
  });

  test('a population event narrows the comparable retained people; named signal lists', async () => {
    const r = await s.ok('churn-drivers', { population: { event: 'Subscription Started' }, signals: [{ name: 'billing', event: FAILED }] });
    assert.equal(r.retained, 8);
    assert.deepEqual(r.signals.map((x: any) => [x.signal, x.churnedWithSignal, x.retainedWithSignal]), [['billing', 5, 1]]);
  });

  test('minimum support and no churners', async () => {
    const strict = await s.ok('churn-drivers', { minSupport: 6 });
    // Only Product Viewed reaches six churners inside their windows (Payment Failed has five; the starts are on day 0).
    assert.deepEqual(strict.signals.map((x: any) => x.signal), ['Product Viewed']);
    assert.equal(strict.signals.some((x: any) => x.signal === FAILED), false);
    const none = await s.ok('churn-drivers', { churnEvent: { event: 'Nobody Does This' } });
    assert.deepEqual({ churned: none.churned, signals: none.signals }, { churned: 0, signals: [] });
  });

  test('churnSignals computed trait: the top risk signals each active, not-yet-churned person shows now', async () => {
    const res = await fetch(`${s.server.url}/api/analytics/traits/refresh`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const refresh = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(refresh));
    assert.deepEqual(refresh.failed, {});
    // r1–r10 were active in days 35–95 and never cancelled; churners are left alone.
    assert.equal(refresh.written.churnSignals, 10);
    assert.deepEqual((await s.server.person('userId=r1')).computedTraits.churnSignals, [FAILED]);
    assert.deepEqual((await s.server.person('userId=r2')).computedTraits.churnSignals, []);
    assert.equal((await s.server.person('userId=c1')).computedTraits.churnSignals, undefined);
    // The other analyses' traits are written in the same refresh (their values are tested in their own files).
    assert.equal(typeof (await s.server.person('userId=c1')).computedTraits.lifecycleStage, 'string');
    assert.ok(refresh.written.lifecycleStage >= 16, JSON.stringify(refresh.written));
    const last = await s.server.admin('/api/analytics/traits');
    assert.equal(last.body.last.at, new Date(T0 + 95 * DAY).toISOString());
  });

  test('Fisher exact test against known values', () => {
    // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857143; (Lady tasting tea) and a one-sided extreme.
    assert.ok(Math.abs(fisherExactTwoSided(3, 1, 1, 3) - 0.4857142857) < 1e-9);
    assert.ok(Math.abs(fisherExactTwoSided(10, 0, 0, 10) - 2 / 184756) < 1e-15);
    assert.equal(fisherExactTwoSided(0, 0, 0, 0), 1);
  });
});
