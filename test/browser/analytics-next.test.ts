// The real analytics.js (@segment/analytics-next, its UMD build from node_modules) and crumbtrail.js in one
// Chromium page, both pointed at a real Crumbtrail server: both sets of events arrive. analytics.js gets its
// settings inline (cdnSettings), so it fetches nothing from Segment's CDN; its lazily loaded bundles and the
// test page itself are answered by page routes from local files. The host resolver blocks every other host.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../src/core/version.js';
import { WRITE_KEY } from '../support/server.js';
import { recordRequests, serverAndChromium, SKIP_WITHOUT_CHROMIUM } from './support/browser.js';
import { label } from './support/shop.js';

const AJS_UMD = path.join(PACKAGE_ROOT, 'node_modules', '@segment', 'analytics-next', 'dist', 'umd');

const testPage = (writeKey: string) => `<!doctype html>
<html><head><title>analytics.js next to crumbtrail.js</title>
<script src="/crumbtrail.js" data-write-key="${writeKey}" data-auto-page="false"></script>
<script src="/ajs/index.js"></script>
</head><body><p>two trackers</p></body></html>`;

describe('analytics.js (@segment/analytics-next) and crumbtrail.js in the same page', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  const session = serverAndChromium();

  it('delivers both libraries’ events to Crumbtrail', async () => {
    const context = await session.chromium.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.route('**/ajs-test.html', (route) => route.fulfill({ contentType: 'text/html', body: testPage(WRITE_KEY) }));
    await page.route(/\/(ajs|analytics-next\/bundles)\/[\w.-]+\.js$/, (route) => {
      const file = path.join(AJS_UMD, path.basename(new URL(route.request().url()).pathname));
      return fs.existsSync(file) ? route.fulfill({ contentType: 'application/javascript', body: fs.readFileSync(file) }) : route.abort();
    });
    await page.goto(`${session.server.url}/ajs-test.html`);

    const ids = await page.evaluate(async (writeKey) => {
      const { AnalyticsBrowser } = (window as any).AnalyticsNext;
      const [analytics] = await AnalyticsBrowser.load(
        {
          writeKey,
          cdnURL: location.origin,
          cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${location.host}/v1`, protocol: 'http' } } },
        },
        { integrations: { 'Segment.io': { apiHost: `${location.host}/v1`, protocol: 'http' } } },
      );
      await analytics.page('Docs', 'Install');
      await analytics.track('Product Viewed', { product_id: 'ajs-1', price: 12.5, currency: 'USD' });
      await analytics.identify('grace', { email: 'grace@example.com' });
      const ct = (window as any).crumbtrail;
      ct.page('Landing');
      ct.ecommerce.productAdded({ product_id: 'ct-1', quantity: 1, price: 3, currency: 'USD' });
      ct.flush();
      return { ajs: analytics.user().anonymousId() as string, crumbtrail: ct.user().anonymousId as string };
    }, WRITE_KEY);
    assert.notEqual(ids.ajs, ids.crumbtrail, 'two libraries, two anonymous ids');

    // analytics.js answers each call only after its request is answered; crumbtrail.js's flush is awaited here.
    await page.waitForFunction(() => (window as any).crumbtrail.user().queued === 0);
    const grace = await session.server.person('userId=grace');
    // Sorted: events from the same millisecond have no defined timeline order.
    const ajsEvents = await session.server.timeline(grace.personId);
    const byLabel = (events: any[], l: string) => events.find((e) => label(e) === l);
    assert.deepEqual(ajsEvents.map(label).sort(), ['identify', 'page Install', 'track Product Viewed']);
    assert.equal(byLabel(ajsEvents, 'page Install').properties.category, 'Docs');
    assert.deepEqual(byLabel(ajsEvents, 'track Product Viewed').properties, { product_id: 'ajs-1', price: 12.5, currency: 'USD' });
    assert.equal(byLabel(ajsEvents, 'track Product Viewed').context.library.name, 'analytics.js');
    assert.equal(byLabel(ajsEvents, 'identify').traits.email, 'grace@example.com');
    assert.ok(ajsEvents.every((e: any) => e.anonymousId === ids.ajs));

    const visitor = await session.server.person(`anonymousId=${ids.crumbtrail}`);
    const ctEvents = await session.server.timeline(visitor.personId);
    assert.deepEqual(ctEvents.map(label).sort(), ['page Landing', 'track Product Added']);
    assert.equal(byLabel(ctEvents, 'page Landing').context.library.name, 'crumbtrail.js');

    const hosts = new Set(requests.map((r) => new URL(r.url()).host));
    assert.deepEqual([...hosts], [new URL(session.server.url).host], 'nothing left the machine');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
