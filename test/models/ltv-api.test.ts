import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { mulberry32 } from '../../src/core/prng.js';
import { DAY, HOUR } from '../../src/core/units.js';
import { summariseInStore } from '../../src/models/summary-sql.js';
import { summarisePurchaseDays, type PurchaseDay } from '../../src/models/summary.js';
import { ADMIN_TOKEN, startTestServer, TEST_PAIR, type TestServer } from '../support/server.js';

/** Synthetic shop: the API's refusals, the SQL summary against the reference, identity merges, the refresh job. */
const START = Date.UTC(2025, 0, 1);
const TODAY = Date.UTC(2025, 9, 1, 12);
const dayNumber = (ms: number) => Math.floor(ms / DAY);

interface Order {
  customer: string;
  at: number;
  revenue: number;
}

/** Customers buying at random rates until they drop out (a BG/NBD-like process), a few orders per day merged. */
function syntheticOrders(customers: number, seed: number): Order[] {
  const random = mulberry32(seed);
  const orders: Order[] = [];
  for (let i = 0; i < customers; i++) {
    let at = START + Math.floor(random() * 90) * DAY + Math.floor(random() * 20) * HOUR;
    const rate = 0.01 + random() * 0.1; // orders per day
    for (;;) {
      orders.push({ customer: `c${i}`, at, revenue: Math.round((5 + random() * 60) * 100) / 100 });
      if (random() < 0.15) orders.push({ customer: `c${i}`, at: at + HOUR, revenue: 7.5 }); // same day again
      if (random() < 0.25) break; // dropped out
      at += Math.ceil(-Math.log(1 - random()) / rate) * DAY;
      if (at >= TODAY) break;
    }
  }
  return orders;
}

describe(`customer-value API on the synthetic shop (${TEST_PAIR})`, () => {
  let server: TestServer;
  const clock = new ManualClock(TODAY);
  const call = async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const track = (orders: Order[], identity: (o: Order, index: number) => { userId?: string; anonymousId?: string }) =>
    orders.map((o, i) => ({
      type: 'track',
      event: 'Order Completed',
      ...identity(o, i),
      properties: { revenue: o.revenue },
      timestamp: new Date(o.at).toISOString(),
      messageId: `order-${o.customer}-${o.at}-${i}`,
    }));
  const send = async (batch: unknown[]) => {
    for (let i = 0; i < batch.length; i += 500) {
      const res = await server.send('/v1/batch', { batch: batch.slice(i, i + 500) });
      assert.equal(res.status, 200, await res.text());
    }
  };

  before(async () => {
    server = await startTestServer({ clock, config: { ltvRefreshMs: 24 * HOUR } });
  });
  after(async () => server?.dispose());

  test('reading needs the admin token; before any fit GET says so', async () => {
    assert.equal((await call('GET', '/api/models/ltv', undefined, null)).body.code, 'CT_MISSING_ADMIN_TOKEN');
    const res = await call('GET', '/api/models/ltv');
    assert.deepEqual([res.status, res.body.code], [404, 'CT_LTV_NOT_FITTED']);
  });

  test('the refresh job on an installation without orders yet skips quietly', async () => {
    clock.advance(24 * HOUR);
    await server.runtime.scheduler.tick();
    const [job] = server.runtime.scheduler.status();
    assert.deepEqual([job!.name, job!.runs, job!.lastError], ['ltv-refresh', 1, null]);
    assert.equal((await call('GET', '/api/models/ltv')).status, 404);
    clock.set(TODAY);
  });

  test('bad options are refused with CT_INVALID_LTV_OPTIONS and say which', async () => {
    for (const body of [{ model: 'crystal-ball' }, { calibrationEnd: '2025-02-30' }, { unit: 'fortnight' }, { horizon: -1 }, { surprise: 1 }]) {
      const res = await call('POST', '/api/models/ltv/fit', body);
      assert.deepEqual([res.status, res.body.code], [400, 'CT_INVALID_LTV_OPTIONS'], JSON.stringify(body));
      assert.ok(res.body.details.issues.length > 0);
    }
    const reversed = await call('POST', '/api/models/ltv/fit', { calibrationEnd: '2025-06-01', holdoutEnd: '2025-05-01' });
    assert.deepEqual([reversed.status, reversed.body.code], [400, 'CT_INVALID_LTV_OPTIONS']);
    assert.equal((await call('POST', '/api/query/rfm', { asOf: 'yesterday' })).body.code, 'CT_INVALID_LTV_OPTIONS');
  });

  test('data the models cannot fit gets a catalogued 422, never NaN', async () => {
    const fit = (event: string) => call('POST', '/api/models/ltv/fit', { event });
    const few = syntheticOrders(5, 1);
    await send(track(few, (o) => ({ userId: `few-${o.customer}` })).map((e) => ({ ...e, event: 'Few Orders' })));
    assert.equal((await fit('Few Orders')).body.code, 'CT_LTV_TOO_FEW_CUSTOMERS');
    assert.match((await fit('Nobody Buys This')).body.message, /Found 0 customers/);

    const once = Array.from({ length: 30 }, (_, i) => ({ customer: `once${i}`, at: START + i * DAY, revenue: 10 }));
    await send(track(once, (o) => ({ userId: o.customer })).map((e) => ({ ...e, event: 'One Order' })));
    const single = await fit('One Order');
    assert.deepEqual([single.status, single.body.code], [422, 'CT_LTV_NO_REPEAT_BUYERS']);

    const refunds = once.flatMap((o) => [o, { ...o, at: o.at + 3 * DAY, revenue: -4 }]);
    await send(track(refunds, (o) => ({ userId: `r-${o.customer}` })).map((e) => ({ ...e, event: 'Refunded Order' })));
    const negative = await fit('Refunded Order');
    assert.deepEqual([negative.status, negative.body.code], [422, 'CT_LTV_NEGATIVE_REVENUE']);
    assert.equal((await call('GET', '/api/models/ltv')).status, 404, 'a refused fit leaves nothing behind');
  });

  test('the summary computed in the store equals the reference over canonical persons (identity merges)', async () => {
    const orders = syntheticOrders(400, 7);
    // Every 5th customer places their first order anonymously on another device, then logs in there: the two
    // persons merge, and the anonymous order must count as that customer's first purchase.
    const firsts = new Set<number>();
    const seen = new Set<string>();
    orders.forEach((o, i) => {
      if (!seen.has(o.customer)) {
        seen.add(o.customer);
        if (Number(o.customer.slice(1)) % 5 === 0) firsts.add(i);
      }
    });
    await send(track(orders, (o, i) => (firsts.has(i) ? { anonymousId: `device-${o.customer}` } : { userId: o.customer })));
    await send(
      [...firsts].map((i) => ({ type: 'identify', anonymousId: `device-${orders[i]!.customer}`, userId: orders[i]!.customer, timestamp: new Date(TODAY - HOUR).toISOString() })),
    );

    const calibrationEndDay = dayNumber(Date.UTC(2025, 5, 30));
    const window = { unit: 'week' as const, calibrationEndDay, holdoutEndDay: dayNumber(TODAY) };
    const inStore = await summariseInStore(server.runtime.events.analytics, 'Order Completed', window);

    const byDay = new Map<string, PurchaseDay>();
    for (const o of orders) {
      const key = `${o.customer}|${dayNumber(o.at)}`;
      const d = byDay.get(key) ?? { personId: o.customer, day: dayNumber(o.at), revenue: 0 };
      d.revenue += o.revenue;
      byDay.set(key, d);
    }
    const sorted = [...byDay.values()].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.day - b.day));
    const reference = summarisePurchaseDays(sorted, window);

    const toCustomer = new Map<string, string>();
    for (const c of reference.customers) toCustomer.set((await server.runtime.state.findPersonId({ userId: c.personId }))!, c.personId);
    const strip = ({ personId, monetary, totalRevenue, ...rest }: (typeof reference.customers)[number]) => ({
      ...rest,
      monetary: Math.round(monetary * 1e6),
      totalRevenue: Math.round(totalRevenue * 1e6),
    });
    const ours = new Map(inStore.customers.map((c) => [toCustomer.get(c.personId), strip(c)]));
    assert.equal(inStore.customers.length, reference.customers.length);
    for (const c of reference.customers) assert.deepEqual(ours.get(c.personId), strip(c), c.personId);
    assert.deepEqual([...inStore.repeatsByDay].sort((a, b) => a[0] - b[0]), [...reference.repeatsByDay].sort((a, b) => a[0] - b[0]));
    assert.ok(firsts.size > 0);
    assert.ok(reference.customers.some((c) => c.x > 0));
  });

  test('fit, traits on the profile, and the scheduled refresh rewriting them on the injected clock', async () => {
    const res = await call('POST', '/api/models/ltv/fit', { calibrationEnd: '2025-06-30', holdoutEnd: '2025-09-30' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const fit = res.body.fit;
    assert.ok(fit.transactions.converged && Number.isFinite(fit.transactions.logLikelihood));
    for (const v of Object.values(fit.transactions.params)) assert.ok(Number.isFinite(v as number) && (v as number) > 0);
    assert.ok(fit.diagnostic.holdout.actual > 0 && fit.diagnostic.holdout.expected > 0);
    assert.equal(res.body.scoredAsOf, '2025-09-30');

    const person = await server.person('userId=c5'); // a merged customer
    const first = person.computedTraits;
    assert.ok(['high', 'medium', 'low'].includes(first.ltvValueTier));
    assert.equal(first.ltvUpdatedAt, new Date(TODAY).toISOString());
    const view = await server.admin(`/api/people/${person.personId}`);
    assert.deepEqual(view.body.computedTraits, first, 'the admin profile view shows them');

    // The refresh job (CRUMBTRAIL_LTV_REFRESH=24h) refits over all data up to "today" and rewrites the traits.
    const due = server.runtime.scheduler.status()[0]!.nextRunAt;
    assert.equal(due, TODAY + 48 * HOUR, 'its second slot (the first was skipped above)');
    clock.set(due - 1);
    await server.runtime.scheduler.tick();
    assert.equal(server.runtime.scheduler.status()[0]!.runs, 1, 'not before it is due');
    clock.set(due);
    await server.runtime.scheduler.tick();
    const [job] = server.runtime.scheduler.status();
    assert.deepEqual([job!.name, job!.runs, job!.lastError], ['ltv-refresh', 2, null]);
    const refreshed = (await server.person('userId=c5')).computedTraits;
    assert.equal(refreshed.ltvUpdatedAt, new Date(due).toISOString());
    const last = await call('GET', '/api/models/ltv');
    assert.equal(last.body.fit.calibrationEnd, '2025-10-03', 'refit with the calibration ending today');
    assert.equal(last.body.fit.holdoutEnd, null);
  });
});
