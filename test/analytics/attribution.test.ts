import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, identify, page, serveFixture, track, type Who } from './support.js';

const ORDER = 'Order Completed';
const SITE = 'https://shop.example/';
const landing = (who: string | Who, hours: number, referrer: string | null, campaign?: { source: string; medium: string; name: string }, url: string | null = SITE) =>
  page(who, hours, { path: '/', ...(url ? { url } : {}), ...(referrer ? { referrer } : {}) }, campaign ? { campaign } : {});
const order = (who: string | Who, hours: number, revenue: number) => track(who, ORDER, hours, { revenue });
const GOOGLE_ADS = { source: 'google', medium: 'cpc', name: 'brand' };

/*
 * Hand-computed fixture (hours after T0; default lookback 30 d):
 *   a1  google/cpc/brand @0 (referrer www.google.com), instagram referrer @24, internal referrer (SHOP.EXAMPLE) @25; order 90 @48
 *   a2  anonymous newsletter/email/monthly @0, identify @1 (merge), order 30 @2
 *   a3  google/cpc/brand @0 (no referrer), order 50 @720 (exactly 30 d later)
 *   a4  order 20 @10, no touch
 *   a5  www.google.com referrer @0, coffeereview/affiliate/best-grinders from coffeereview.example @1; orders 40 @2, 60 @3
 *   a6  news.ycombinator.com referrer on a page without a url @0, order 10 @1
 */
const FIXTURE = [
  order('a1', 48, 90),
  landing('a1', 0, 'https://www.google.com/', GOOGLE_ADS),
  landing('a1', 24, 'https://l.instagram.com/'),
  landing('a1', 25, 'https://SHOP.EXAMPLE/products'),
  landing({ anonymousId: 'b2' }, 0, null, { source: 'newsletter', medium: 'email', name: 'monthly' }),
  identify({ userId: 'a2', anonymousId: 'b2' }, 1),
  order('a2', 2, 30),
  landing('a3', 0, null, GOOGLE_ADS),
  order('a3', 720, 50),
  order('a4', 10, 20),
  landing('a5', 0, 'https://www.google.com/search?q=beans'),
  landing('a5', 1, 'https://coffeereview.example/best', { source: 'coffeereview', medium: 'affiliate', name: 'best-grinders' }),
  order('a5', 2, 40),
  order('a5', 3, 60),
  identify({ userId: 'a5' }, -1, { plan: 'pro' }),
  landing('a6', 0, 'https://news.ycombinator.com/item', undefined, null),
  order('a6', 1, 10),
];

const rows = (r: any) => r.values.map((v: any) => [v.value, v.conversions, v.revenue]);

describe('attribution', () => {
  const s = serveFixture(FIXTURE);

  test('last touch by source (UTM source, else the external referrer host), person-level after merges', async () => {
    const r = await s.ok('attribution', {});
    assert.equal(r.conversions, 7);
    assert.equal(r.revenue, 300);
    assert.deepEqual(rows(r), [
      ['coffeereview', 2, 100],
      ['l.instagram.com', 1, 90],
      ['google', 1, 50],
      ['newsletter', 1, 30],
      [null, 1, 20],
      ['news.ycombinator.com', 1, 10],
    ]);
  });

  test('first touch and linear credit', async () => {
    const first = await s.ok('attribution', { model: 'first' });
    assert.deepEqual(rows(first), [['google', 2, 140], ['www.google.com', 2, 100], ['newsletter', 1, 30], [null, 1, 20], ['news.ycombinator.com', 1, 10]]);
    const linear = await s.ok('attribution', { model: 'linear' });
    assert.deepEqual(rows(linear), [
      ['google', 1.5, 95],
      ['coffeereview', 1, 50],
      ['www.google.com', 1, 50],
      ['l.instagram.com', 0.5, 45],
      ['newsletter', 1, 30],
      [null, 1, 20],
      ['news.ycombinator.com', 1, 10],
    ]);
    assert.equal(linear.conversions, 7);
  });

  test('dimensions: medium (referrals without UTM), campaign, referrer host', async () => {
    const medium = await s.ok('attribution', { dimension: 'medium' });
    assert.deepEqual(rows(medium), [['affiliate', 2, 100], ['referral', 2, 100], ['cpc', 1, 50], ['email', 1, 30], [null, 1, 20]]);
    const campaign = await s.ok('attribution', { dimension: 'campaign', model: 'first' });
    assert.deepEqual(rows(campaign), [['brand', 2, 140], [null, 4, 130], ['monthly', 1, 30]]);
    const referrer = await s.ok('attribution', { dimension: 'referrer' });
    assert.deepEqual(rows(referrer), [[null, 3, 100], ['coffeereview.example', 2, 100], ['l.instagram.com', 1, 90], ['news.ycombinator.com', 1, 10]]);
  });

  test('lookback boundary is inclusive; touches before `from` count, conversions only inside [from, to)', async () => {
    const short = await s.ok('attribution', { lookback: '29d' });
    assert.deepEqual(rows(short), [['coffeereview', 2, 100], ['l.instagram.com', 1, 90], [null, 2, 70], ['newsletter', 1, 30], ['news.ycombinator.com', 1, 10]]);
    const late = await s.ok('attribution', { from: at(240) });
    assert.deepEqual([late.conversions, late.revenue, rows(late)], [1, 50, [['google', 1, 50]]]);
    const early = await s.ok('attribution', { to: at(3) });
    assert.deepEqual(rows(early), [['coffeereview', 1, 40], ['newsletter', 1, 30], ['news.ycombinator.com', 1, 10]]);
  });

  test('conversion event filters and where filters', async () => {
    const big = await s.ok('attribution', { conversion: { event: ORDER, where: [{ property: 'revenue', op: 'gte', value: 50 }] } });
    assert.deepEqual(rows(big), [['l.instagram.com', 1, 90], ['coffeereview', 1, 60], ['google', 1, 50]]);
    const pro = await s.ok('attribution', { where: [{ trait: 'plan', op: 'eq', value: 'pro' }] });
    assert.deepEqual(rows(pro), [['coffeereview', 2, 100]]);
  });

  test('bad definitions are refused with a catalogued code', async () => {
    for (const [definition, field] of [[{ model: 'u-shaped' }, /model/], [{ dimension: 'country' }, /dimension/], [{ lookback: '30' }, /lookback/]] as const) {
      const res = await s.query('attribution', definition);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'CT_INVALID_ANALYTICS_QUERY');
      assert.match(res.body.message, field);
    }
  });
});
