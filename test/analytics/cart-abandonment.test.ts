import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeCartAbandonmentTraits } from '../../src/analytics/kinds/cart-abandonment.js';
import { queryContext } from '../../src/analytics/run-query.js';
import { ManualClock } from '../../src/core/clock.js';
import { at, HOUR, identify, serveFixture, T0, track } from './support.js';

const ADD = 'Product Added';
const CHECKOUT = 'Checkout Started';
const ORDER = 'Order Completed';
const plusMs = (call: { timestamp: string }, ms: number) => ({ ...call, timestamp: new Date(Date.parse(call.timestamp) + ms).toISOString() });

/*
 * Hand-computed fixture (hours after Monday 2026-01-05T00:00Z; default window 24 h, recovery 7 d):
 *   c1  add k1 10×2 @0, checkout k1 value 25 @1, order k1 @2 (sent first)     converted, value 25 (checkout's)
 *   c2  add 5 @0, add 7.5×2 @3 (no cart_id: one cart), order 40 @30         abandoned (deadline 27), value 20, recovered
 *   c3  add k3 10 @0, order 10 @24 (exactly the window)                     converted
 *   c4  add 10 @0, order 15 @24h+1ms                                        abandoned, value 10, recovered
 *   c5  anonymous add 12 @10, identify @10.5 (merge), order 12 @11          converted
 *   c6  add A 3 @0, add B 4 @1, order B 4 @2                                B converted; A abandoned, value 3
 *   c7  add 6 @20, add 8 @50 (30 h later: a new cart)                       two carts abandoned (6; 8 on Jan 7)
 *   c9  add 11 @100 (Jan 9)                                                 abandoned (pending before 124 h)
 *   c10 order only                                                          no cart
 *   c11 add k11 10 @0, checkout k11 value 9 @0.5                            abandoned, value 9 (checkout's)
 *   c12 add 5 @0 (no cart_id), checkout k12 @0.5 (adopts it), order k12 @1  one cart, converted
 * Totals: 12 carts, 5 converted, 7 abandoned; abandoned value 20+10+3+6+8+11+9 = 67; recovered c2, c4: 40+15.
 */
const FIXTURE = [
  track('c1', ORDER, 2, { cart_id: 'k1', revenue: 25 }),
  track('c1', ADD, 0, { cart_id: 'k1', price: 10, quantity: 2 }),
  track('c1', CHECKOUT, 1, { cart_id: 'k1', value: 25, revenue: 25 }),
  identify({ userId: 'c2' }, -1, { plan: 'pro' }),
  track('c2', ADD, 0, { price: 5 }),
  track('c2', ADD, 3, { price: 7.5, quantity: 2 }),
  track('c2', ORDER, 30, { revenue: 40 }),
  track('c3', ADD, 0, { cart_id: 'k3', price: 10 }),
  track('c3', ORDER, 24, { revenue: 10 }),
  track('c4', ADD, 0, { price: 10 }),
  plusMs(track('c4', ORDER, 24, { revenue: 15 }), 1),
  track({ anonymousId: 'a5' }, ADD, 10, { price: 12 }),
  identify({ userId: 'c5', anonymousId: 'a5' }, 10.5),
  track('c5', ORDER, 11, { revenue: 12 }),
  track('c6', ADD, 0, { cart_id: 'A', price: 3 }),
  track('c6', ADD, 1, { cart_id: 'B', price: 4 }),
  track('c6', ORDER, 2, { cart_id: 'B', revenue: 4 }),
  track('c7', ADD, 20, { price: 6 }),
  track('c7', ADD, 50, { price: 8 }),
  track('c9', ADD, 100, { price: 11 }),
  track('c10', ORDER, 5, { revenue: 99 }),
  track('c11', ADD, 0, { cart_id: 'k11', price: 10 }),
  track('c11', CHECKOUT, 0.5, { cart_id: 'k11', value: 9, revenue: 9 }),
  track('c12', ADD, 0, { price: 5 }),
  track('c12', CHECKOUT, 0.5, { cart_id: 'k12', value: 6, revenue: 6 }),
  track('c12', ORDER, 1, { cart_id: 'k12', revenue: 6 }),
];

const outcome = (r: any) => [r.carts, r.converted, r.abandoned, r.pending];

describe('cart-abandonment', () => {
  const s = serveFixture(FIXTURE);

  test('carts, outcomes, rate, abandoned value, recovery and days, once per person after merges', async () => {
    const r = await s.ok('cart-abandonment', {});
    assert.deepEqual(outcome(r), [12, 5, 7, 0]);
    assert.equal(r.rate, 7 / 12);
    assert.equal(r.abandonedValue, 67);
    assert.deepEqual(r.recovered, { carts: 2, orders: 2, revenue: 55 });
    assert.deepEqual(r.byDay, [
      { day: '2026-01-05', carts: 10, converted: 5, abandoned: 5, pending: 0, rate: 5 / 10, abandonedValue: 48 },
      { day: '2026-01-07', carts: 1, converted: 0, abandoned: 1, pending: 0, rate: 1, abandonedValue: 8 },
      { day: '2026-01-09', carts: 1, converted: 0, abandoned: 1, pending: 0, rate: 1, abandonedValue: 11 },
    ]);
  });

  test('asOf: a cart whose window has not passed is pending; the boundary is inclusive', async () => {
    const early = await s.ok('cart-abandonment', { asOf: at(110) });
    assert.deepEqual(outcome(early), [12, 5, 6, 1]);
    assert.equal(early.rate, 6 / 11);
    assert.equal(early.abandonedValue, 56);
    assert.deepEqual(outcome(await s.ok('cart-abandonment', { asOf: at(124) })), [12, 5, 6, 1]);
    const justAfter = new Date(Date.parse(at(124)) + 1).toISOString();
    assert.deepEqual(outcome(await s.ok('cart-abandonment', { asOf: justAfter })), [12, 5, 7, 0]);
  });

  test('window: a longer window converts late orders and joins carts across the gap', async () => {
    const r = await s.ok('cart-abandonment', { window: '2d' });
    // c2 and c4 convert; c7's adds 30 h apart are one cart (6 + 8).
    assert.deepEqual(outcome(r), [11, 7, 4, 0]);
    assert.equal(r.abandonedValue, 3 + 14 + 11 + 9);
    assert.deepEqual(r.recovered, { carts: 0, orders: 0, revenue: 0 });
  });

  test('recoveryWindow bounds which later orders recover an abandoned cart (inclusive)', async () => {
    assert.deepEqual((await s.ok('cart-abandonment', { recoveryWindow: '3h' })).recovered, { carts: 2, orders: 2, revenue: 55 });
    assert.deepEqual((await s.ok('cart-abandonment', { recoveryWindow: '2h' })).recovered, { carts: 1, orders: 1, revenue: 15 });
  });

  test('from/to pick carts by start; orders after `to` still decide them', async () => {
    const r = await s.ok('cart-abandonment', { to: at(24) });
    assert.deepEqual(outcome(r), [10, 5, 5, 0]);
    assert.equal(r.abandonedValue, 48);
    assert.deepEqual(r.recovered, { carts: 2, orders: 2, revenue: 55 });
    const later = await s.ok('cart-abandonment', { from: at(48) });
    assert.deepEqual(outcome(later), [2, 0, 2, 0]);
    assert.equal(later.abandonedValue, 19);
  });

  test('configurable cart and order events, and where filters', async () => {
    const checkouts = await s.ok('cart-abandonment', { cart: [{ event: CHECKOUT }] });
    assert.deepEqual(outcome(checkouts), [3, 2, 1, 0]);
    assert.equal(checkouts.abandonedValue, 9);
    const pro = await s.ok('cart-abandonment', { where: [{ trait: 'plan', op: 'eq', value: 'pro' }] });
    assert.deepEqual(outcome(pro), [1, 0, 1, 0]);
    assert.deepEqual(pro.recovered, { carts: 1, orders: 1, revenue: 40 });
    // Only orders above 20 complete a cart: just c1's; c2's order at 30 h is after its window either way.
    const big = await s.ok('cart-abandonment', { order: { event: ORDER, where: [{ property: 'revenue', op: 'gt', value: 20 }] } });
    assert.deepEqual(outcome(big), [12, 1, 11, 0]);
  });

  test('computed traits: a latest cart abandoned and not followed by an order, as of the injected clock', async () => {
    const clock = new ManualClock(T0 + 110 * HOUR);
    const context = queryContext(s.server.runtime.events.analytics, clock);
    const flagged = async (rows: { personId: string; traits: any }[]) => {
      const out: Record<string, unknown> = {};
      for (const who of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c9', 'c11', 'c12']) {
        const { personId } = await s.server.person(`userId=${who}`);
        const row = rows.find((r) => r.personId === personId);
        if (row?.traits.abandonedCart) out[who] = [row.traits.abandonedCartValue, row.traits.abandonedCartAt];
        else assert.deepEqual(row?.traits, { abandonedCart: false, abandonedCartValue: null, abandonedCartAt: null }, who);
      }
      return out;
    };
    // c2 and c4 ordered later; c6's latest cart (B) converted; c9's cart is still pending at 110 h.
    const early = await computeCartAbandonmentTraits(context);
    assert.equal(early.length, 10);
    assert.deepEqual(await flagged(early), { c7: [8, at(50)], c11: [9, at(0.5)] });
    clock.set(T0 + 200 * HOUR);
    assert.deepEqual(await flagged(await computeCartAbandonmentTraits(context)), { c7: [8, at(50)], c9: [11, at(100)], c11: [9, at(0.5)] });
  });

  test('bad definitions are refused with a catalogued code that names the field', async () => {
    for (const [definition, field] of [[{ window: '0m' }, /window/], [{ cart: [] }, /cart/], [{ asOf: 'yesterday' }, /asOf/]] as const) {
      const res = await s.query('cart-abandonment', definition);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'CT_INVALID_ANALYTICS_QUERY');
      assert.match(res.body.message, field);
    }
  });
});
