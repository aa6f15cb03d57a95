import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, identify, page, serveFixture, track, type Who } from './support.js';

const ORDER = 'Order Completed';
const view = (who: string | Who, hours: number, path: string, session?: string) => page(who, hours, { path }, session ? { sessionId: session } : {});
const engaged = (who: string | Who, hours: number, path: string, ms: number, pageViewId: string | null, session?: string) =>
  track(who, 'Page Engagement', hours, { path, engaged_ms: ms, ...(pageViewId ? { page_view_id: pageViewId } : {}) }, session ? { sessionId: session } : {});

/*
 * Hand-computed fixture (hours after T0):
 *   v1  s1: /home @0 (5 s), /products/a @0.1 (20 s + 15 s reports), order 10 @1           2 views, 40 s
 *   v2  s2: /products/a @0 (8 s) — bounce; s3: /home @10 (2 s) — bounce; order @200        2 views, 10 s, 2 sessions
 *   v3  anonymous s4: /products/b @0 (60 s), identify @0.2, /products/a @0.3 (200 s);
 *       order 100 @168.3 (exactly 7 d after /products/a, 7 d + 18 min after /products/b)   2 views, 260 s
 *   v4  /products/a @5 without a session, no engagement                                    1 view, 0 s
 *   v5  a Page Engagement on /products/a (9 s) but no page view                            not a visitor
 *   v6  s6: /about @0 with a report lacking page_view_id (4 s) — bounce                    1 view, 4 s
 * Visitors 5, views 8, sessions 5 (3 bounces). Per visitor 0, 4, 10, 40, 260 s; per session 2, 4, 8, 40, 260 s.
 */
const FIXTURE = [
  engaged('v1', 0.01, '/home', 5000, 'pv1a', 's1'),
  view('v1', 0, '/home', 's1'),
  view('v1', 0.1, '/products/a', 's1'),
  engaged('v1', 0.12, '/products/a', 20000, 'pv1b', 's1'),
  engaged('v1', 0.15, '/products/a', 15000, 'pv1b', 's1'),
  track('v1', ORDER, 1, { revenue: 10 }),
  identify({ userId: 'v1' }, -1, { plan: 'pro' }),
  view('v2', 0, '/products/a', 's2'),
  engaged('v2', 0.01, '/products/a', 8000, 'pv2a', 's2'),
  view('v2', 10, '/home', 's3'),
  engaged('v2', 10.01, '/home', 2000, 'pv2b', 's3'),
  track('v2', ORDER, 200, { revenue: 10 }),
  view({ anonymousId: 'a3' }, 0, '/products/b', 's4'),
  engaged({ anonymousId: 'a3' }, 0.1, '/products/b', 60000, 'pv3a', 's4'),
  identify({ userId: 'v3', anonymousId: 'a3' }, 0.2),
  view('v3', 0.3, '/products/a', 's4'),
  engaged('v3', 0.4, '/products/a', 200000, 'pv3b', 's4'),
  track('v3', ORDER, 168.3, { revenue: 100 }),
  view('v4', 5, '/products/a'),
  engaged('v5', 0, '/products/a', 9000, 'pv5a', 's5'),
  view('v6', 0, '/about', 's6'),
  engaged('v6', 0.1, '/about', 4000, null, 's6'),
];

const buckets = (p: any) => p.dwell.map((b: any) => [b.visitors, b.converted]);

describe('engagement', () => {
  const s = serveFixture(FIXTURE);

  test('site: views and sessions per visitor, bounce rate, time on site per visitor and session, after merges', async () => {
    const r = await s.ok('engagement', {});
    assert.equal(r.visitors, 5);
    assert.equal(r.pageViews, 8);
    assert.equal(r.sessions, 5);
    assert.equal(r.pageViewsPerVisitor, 8 / 5);
    assert.equal(r.sessionsPerVisitor, 1);
    assert.equal(r.bounceRate, 3 / 5);
    assert.deepEqual(r.timeOnSite, { perVisitor: { medianSeconds: 10, meanSeconds: 62.8 }, perSession: { medianSeconds: 8, meanSeconds: 62.8 } });
  });

  test('pages: views, visitors, median dwell per page view, dwell buckets against conversion within the window', async () => {
    const r = await s.ok('engagement', {});
    assert.deepEqual(r.pages.map((p: any) => [p.path, p.pageViews, p.visitors, p.medianDwellSeconds]), [
      ['/products/a', 4, 4, 22], // page views 8, 9 (v5's report counts), 35, 200 s
      ['/home', 2, 2, 3.5],
      ['/about', 1, 1, null],
      ['/products/b', 1, 1, 60],
    ]);
    const a = r.pages[0];
    assert.deepEqual(a.dwell.map((b: any) => [b.fromSeconds, b.toSeconds]), [[0, 10], [10, 30], [30, 60], [60, 180], [180, null]]);
    // v2 (8 s) and v4 (0 s) do not convert; v1 (35 s) does; v3 (200 s) converts exactly 7 d after the view.
    assert.deepEqual(buckets(a), [[2, 0], [0, 0], [1, 1], [0, 0], [1, 1]]);
    assert.deepEqual(a.dwell.map((b: any) => b.conversionRate), [0, 0, 1, 0, 1]);
    assert.deepEqual(buckets(r.pages[1]), [[2, 1], [0, 0], [0, 0], [0, 0], [0, 0]]);
    assert.deepEqual(buckets(r.pages[3]), [[0, 0], [0, 0], [0, 0], [1, 0], [0, 0]]);
  });

  test('pathPrefix, dwellBuckets, conversionWindow, conversionEvent and limit', async () => {
    const products = await s.ok('engagement', { pathPrefix: '/products/', dwellBuckets: [30] });
    assert.deepEqual(products.pages.map((p: any) => p.path), ['/products/a', '/products/b']);
    assert.equal(products.visitors, 5, 'the site figures ignore pathPrefix');
    assert.deepEqual(buckets(products.pages[0]), [[2, 0], [2, 2]]);
    const hour = await s.ok('engagement', { pathPrefix: '/products/a', conversionWindow: '1h' });
    assert.deepEqual(buckets(hour.pages[0]), [[2, 0], [0, 0], [1, 1], [0, 0], [1, 0]]);
    const big = await s.ok('engagement', { pathPrefix: '/products/a', conversionEvent: { event: ORDER, where: [{ property: 'revenue', op: 'gt', value: 50 }] } });
    assert.deepEqual(buckets(big.pages[0]), [[2, 0], [0, 0], [1, 0], [0, 0], [1, 1]]);
    const top = await s.ok('engagement', { limit: 2 });
    assert.deepEqual(top.pages.map((p: any) => p.path), ['/products/a', '/home']);
  });

  test('from/to and where filters', async () => {
    const early = await s.ok('engagement', { to: at(0.2) });
    // v1 (2 views), v2 (/products/a), v3 (/products/b), v6; s4 now a bounce. v1's order after `to` still converts.
    assert.deepEqual([early.visitors, early.pageViews, early.sessions, early.bounceRate], [4, 5, 4, 3 / 4]);
    assert.deepEqual(buckets(early.pages.find((p: any) => p.path === '/products/a')), [[1, 0], [0, 0], [1, 1], [0, 0], [0, 0]]);
    const late = await s.ok('engagement', { from: at(1) });
    assert.deepEqual([late.visitors, late.pageViews, late.sessions, late.bounceRate], [2, 2, 1, 1]);
    const pro = await s.ok('engagement', { where: [{ trait: 'plan', op: 'eq', value: 'pro' }] });
    assert.deepEqual([pro.visitors, pro.pageViews, pro.sessions, pro.bounceRate], [1, 2, 1, 0]);
    assert.deepEqual(pro.timeOnSite.perSession, { medianSeconds: 40, meanSeconds: 40 });
  });

  test('bad definitions are refused with a catalogued code', async () => {
    for (const [definition, field] of [[{ dwellBuckets: [30, 10] }, /dwellBuckets/], [{ dwellBuckets: [] }, /dwellBuckets/], [{ conversionWindow: 'soon' }, /conversionWindow/]] as const) {
      const res = await s.query('engagement', definition);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'CT_INVALID_ANALYTICS_QUERY');
      assert.match(res.body.message, field);
    }
  });
});
