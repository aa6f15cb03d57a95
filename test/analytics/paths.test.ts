import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, identify, page, serveFixture, track, type Who } from './support.js';

const min = (m: number) => m / 60;
const view = (who: string | Who, minute: number, path: string | null, session: string | null) =>
  page(who, min(minute), path === null ? {} : { path }, session === null ? {} : { sessionId: session });
const act = (who: string | Who, minute: number, event: string, session: string) => track(who, event, min(minute), {}, { sessionId: session });
const HOME = { event: '$page', where: [{ property: 'path', op: 'eq', value: '/home' }] };

/*
 * Hand-computed fixture (minutes after T0), one session each:
 *   p1  /home, Page Engagement, /products/a, Product Added, /cart, Checkout Started
 *   p2  /home, /products/a, Product Added, /cart
 *   p3  /home, /about, a page without a path ($page)
 *   p4  /products/b, /home, /products/a, /home, /products/c      (the first /home is the anchor)
 *   p5  anonymous /home, identify (merge), /products/a, Product Added, /cart
 *   p6  /home, /products/a without a session id                 (left out)
 *   p7  /home, then Zeta Clicked and Alpha Clicked at the same minute (sent out of order; ties go by label)
 */
const FIXTURE = [
  view('p1', 0, '/home', 's1'),
  act('p1', 0.5, 'Page Engagement', 's1'),
  view('p1', 1, '/products/a', 's1'),
  act('p1', 2, 'Product Added', 's1'),
  view('p1', 3, '/cart', 's1'),
  act('p1', 4, 'Checkout Started', 's1'),
  view('p2', 0, '/home', 's2'),
  view('p2', 1, '/products/a', 's2'),
  act('p2', 2, 'Product Added', 's2'),
  view('p2', 3, '/cart', 's2'),
  view('p3', 0, '/home', 's3'),
  view('p3', 1, '/about', 's3'),
  view('p3', 2, null, 's3'),
  view('p4', 0, '/products/b', 's4'),
  view('p4', 1, '/home', 's4'),
  view('p4', 2, '/products/a', 's4'),
  view('p4', 3, '/home', 's4'),
  view('p4', 4, '/products/c', 's4'),
  identify({ userId: 'p4' }, -1, { plan: 'pro' }),
  view({ anonymousId: 'a5' }, 0, '/home', 's5'),
  { ...identify({ userId: 'p5', anonymousId: 'a5' }, min(0.5)), context: { sessionId: 's5' } },
  view('p5', 1, '/products/a', 's5'),
  act('p5', 2, 'Product Added', 's5'),
  view('p5', 3, '/cart', 's5'),
  view('p6', 0, '/home', null),
  view('p6', 1, '/products/a', null),
  act('p7', 1, 'Zeta Clicked', 's7'),
  act('p7', 1, 'Alpha Clicked', 's7'),
  view('p7', 0, '/home', 's7'),
];

const CART_PATH = ['/home', '/products/a', 'Product Added', '/cart'];
const listed = (r: any) => r.paths.map((p: any) => [p.path, p.count]);

describe('paths', () => {
  const s = serveFixture(FIXTURE);

  test('next steps after an event within a session, most common first, with shares, after merges', async () => {
    const r = await s.ok('paths', { event: HOME });
    assert.equal(r.sessions, 6);
    assert.deepEqual(listed(r), [
      [CART_PATH, 3],
      [['/home', '/about', '$page'], 1],
      [['/home', '/products/a', '/home', '/products/c'], 1],
      [['/home', 'Alpha Clicked', 'Zeta Clicked'], 1],
    ]);
    assert.deepEqual(r.paths.map((p: any) => p.share), [3 / 6, 1 / 6, 1 / 6, 1 / 6]);
    const one = await s.ok('paths', { event: HOME, steps: 1, limit: 2 });
    assert.deepEqual(listed(one), [[['/home', '/products/a'], 4], [['/home', '/about'], 1]]);
  });

  test('previous steps leading to an event', async () => {
    const r = await s.ok('paths', { event: { event: 'Product Added' }, direction: 'previous', steps: 2 });
    assert.deepEqual(listed(r), [[['/home', '/products/a', 'Product Added'], 3]]);
    assert.equal(r.paths[0].share, 1);
    const home = await s.ok('paths', { event: HOME, direction: 'previous', steps: 2 });
    assert.deepEqual(listed(home), [[['/home'], 5], [['/products/b', '/home'], 1]]);
  });

  test('exclude: by default engagement reports and identify calls are not steps', async () => {
    const r = await s.ok('paths', { event: HOME, steps: 1, exclude: [] });
    assert.deepEqual(listed(r), [
      [['/home', '/products/a'], 2],
      [['/home', '$identify'], 1],
      [['/home', '/about'], 1],
      [['/home', 'Alpha Clicked'], 1],
      [['/home', 'Page Engagement'], 1],
    ]);
  });

  test('from/to and where filters', async () => {
    const early = await s.ok('paths', { event: HOME, to: at(min(2)) });
    assert.deepEqual(listed(early), [
      [['/home', '/products/a'], 3],
      [['/home'], 1],
      [['/home', '/about'], 1],
      [['/home', 'Alpha Clicked', 'Zeta Clicked'], 1],
    ]);
    const pro = await s.ok('paths', { event: HOME, where: [{ trait: 'plan', op: 'eq', value: 'pro' }] });
    assert.deepEqual(listed(pro), [[['/home', '/products/a', '/home', '/products/c'], 1]]);
    const none = await s.ok('paths', { event: { event: 'Never Happened' } });
    assert.deepEqual(none, { sessions: 0, paths: [] });
  });

  test('bad definitions are refused with a catalogued code', async () => {
    for (const [definition, field] of [[{}, /event/], [{ event: HOME, steps: 0 }, /steps/], [{ event: HOME, direction: 'up' }, /direction/]] as const) {
      const res = await s.query('paths', definition);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'CT_INVALID_ANALYTICS_QUERY');
      assert.match(res.body.message, field);
    }
  });
});
