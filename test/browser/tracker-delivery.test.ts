// crumbtrail.js on a bare page (no demo shop): the snippet's queue stub, delivery on page hide, and the bounded
// offline queue. The page is answered by a route on the test server's origin; the tracker comes from the server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MAX_QUEUED } from '../../tracker/src/limits.js';
import { WRITE_KEY, type TestServer } from '../support/server.js';
import { serverAndChromium, SKIP_WITHOUT_CHROMIUM } from './support/browser.js';
import { label } from './support/shop.js';

/** The snippet's stub with calls made before the tracker loads (as docs/tracker.md shows it). */
const barePage = (writeKey: string) => `<!doctype html><html><head><title>bare</title>
<script>
  var c = (window.crumbtrail = []);
  ['page', 'track', 'identify', 'alias', 'group', 'reset', 'consent', 'location', 'flush', 'ready', 'on'].forEach(function (m) {
    c[m] = function () { c.push([m].concat([].slice.call(arguments))); return c; };
  });
  c._writeKey = ${JSON.stringify(writeKey)};
  crumbtrail.identify('early-bird', { plan: 'pro' });
  crumbtrail.track('Before Load', { n: 1 });
</script>
<script async src="/crumbtrail.js"></script>
</head><body><a id="away" href="/api/health">leave</a></body></html>`;

async function openBarePage(chromium: Browser, server: TestServer, clock: 'paused' | 'real'): Promise<Page> {
  const context = await chromium.newContext();
  const page = await context.newPage();
  await page.route('**/bare.html', (route) => route.fulfill({ contentType: 'text/html', body: barePage(WRITE_KEY) }));
  if (clock === 'paused') {
    const start = Date.now();
    await page.clock.install({ time: start });
    await page.clock.pauseAt(start + 1_000);
  }
  await page.goto(`${server.url}/bare.html`);
  await page.waitForFunction(() => (window as any).crumbtrail.__crumbtrail === true);
  return page;
}

/** The server side of a fire-and-forget delivery: poll the admin API until the person's events are there. */
async function eventsOf(server: TestServer, query: string, expected: number): Promise<any[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await server.admin(`/api/people?${query}`);
    const events = res.status === 200 ? await server.timeline(res.body.personId) : [];
    if (events.length >= expected || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('crumbtrail.js delivery', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  const session = serverAndChromium();

  it('keeps calls made before it loaded, and delivers on page hide (keepalive) without waiting for its timer', async () => {
    const page = await openBarePage(session.chromium, session.server, 'paused');
    await page.evaluate(() => (window as any).crumbtrail.track('Leaving', { why: 'test' }));
    // The batch timer cannot fire (the clock is paused): only the page-hide path can deliver these.
    await page.click('#away');
    await page.waitForURL('**/api/health');
    const events = await eventsOf(session.server, 'userId=early-bird', 5);
    assert.deepEqual(events.map(label).sort(), ['identify', 'page', 'track Before Load', 'track Leaving', 'track Page Engagement']);
    const identify = events.find((e) => e.type === 'identify');
    assert.deepEqual(identify.traits, { plan: 'pro' });
    const engagement = events.find((e) => e.event === 'Page Engagement');
    assert.equal(engagement.properties.final, true);
    assert.equal(engagement.properties.path, '/bare.html');
    await page.context().close();
  });

  it('reset() forgets the user and starts a new anonymous visitor, in memory and in storage', async () => {
    const page = await openBarePage(session.chromium, session.server, 'real');
    const user = () => page.evaluate(() => (window as any).crumbtrail.user());
    const known = await user();
    assert.equal(known.userId, 'early-bird');
    assert.equal(typeof known.anonymousId, 'string');
    await page.evaluate(() => (window as any).crumbtrail.reset());
    const reset = await user();
    assert.equal(reset.userId, null);
    assert.notEqual(reset.anonymousId, known.anonymousId);
    assert.equal(reset.sessionId, known.sessionId, 'the session goes on');
    const stored = await page.evaluate(() => [localStorage.getItem('ct_aid'), localStorage.getItem('ct_uid')]);
    assert.deepEqual(stored, [JSON.stringify(reset.anonymousId), null]);
    await page.reload();
    await page.waitForFunction(() => (window as any).crumbtrail.__crumbtrail === true);
    assert.equal((await user()).anonymousId, reset.anonymousId, 'the new visitor id survives a reload');
    await page.context().close();
  });

  it(`bounds the offline queue at ${MAX_QUEUED} messages (the oldest give way) and drains it in batches once online`, async () => {
    const page = await openBarePage(session.chromium, session.server, 'real');
    await page.waitForFunction(() => (window as any).crumbtrail.user().queued === 0);
    await page.context().setOffline(true);
    await page.evaluate(() => {
      for (let i = 0; i < 600; i++) (window as any).crumbtrail.track('Bulk', { i });
    });
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ct_q') ?? '[]').map((m: any) => m.properties.i));
    assert.equal(queued.length, MAX_QUEUED);
    assert.equal(queued[0], 600 - MAX_QUEUED);
    assert.equal(queued.at(-1), 599);
    const anonymousId = await page.evaluate(() => (window as any).crumbtrail.user().anonymousId);
    await page.context().setOffline(false);
    await page.waitForFunction(() => (window as any).crumbtrail.user().queued === 0, undefined, { timeout: 20_000 });
    const bulk = (await eventsOf(session.server, `anonymousId=${anonymousId}`, 3 + MAX_QUEUED)).filter((e) => e.event === 'Bulk');
    assert.deepEqual(
      bulk.map((e) => e.properties.i).sort((a, b) => a - b),
      Array.from({ length: MAX_QUEUED }, (_, k) => 600 - MAX_QUEUED + k),
    );
    await page.context().close();
  });
});
