// The demo shop in real headless Chromium against a real server on the selected engine pair: consent, browsing,
// the e-commerce events, engagement time on the page's fake clock, offline and retry, consent withdrawal.
// Each step asserts what went over the wire (network requests) and what the server stored (admin API).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { IDLE_MS } from '../../tracker/src/limits.js';
import { batchesSent, recordRequests, serverAndChromium, SKIP_WITHOUT_CHROMIUM } from './support/browser.js';
import { cookies, label, nextBatch, PageTime, sentLabels, setVisibility, stored, trackerKeys, trackingRequests } from './support/shop.js';

const TOKYO = { latitude: 35.6812, longitude: 139.7671, accuracy: 25 };

describe('demo shop with crumbtrail.js in Chromium', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  const session = serverAndChromium();
  let context: BrowserContext;
  let page: Page;
  let requests: Request[];
  let time: PageTime;
  let anonymousId: string;
  const pageErrors: Error[] = [];

  before(async () => {
    context = await session.chromium.newContext({ geolocation: TOKYO, permissions: ['geolocation'], locale: 'en-US', timezoneId: 'Asia/Tokyo' });
    requests = recordRequests(context);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    time = new PageTime(page);
    // The page's clock is fake and paused: it moves only when the test says so.
    const start = Date.now();
    await page.clock.install({ time: start });
    await page.clock.pauseAt(start + 1_000);
  });

  const who = () => page.evaluate(() => (window as any).crumbtrail.user());

  it('sends and stores nothing before consent, then delivers the held page view with the campaign', async () => {
    await page.goto(`${session.server.url}/demo/shop?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    await page.waitForFunction(() => (window as any).crumbtrail.__crumbtrail === true);
    await time.run(10_000);
    assert.deepEqual(trackingRequests(requests).map((r) => r.url()), [], 'no tracking request before consent');
    assert.deepEqual(await trackerKeys(page), [], 'no tracker storage before consent');
    assert.deepEqual(await cookies(context), [], 'no cookies');
    assert.equal((await who()).consent, 'pending');
    assert.equal(await page.locator('#consent-banner').isVisible(), true);

    await page.click('#consent-yes');
    const batch = await time.deliver();
    anonymousId = (await who()).anonymousId;
    assert.match(anonymousId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(batch.map(label), ['page Home', 'track Product List Viewed']);
    const [pageView, list] = batch;
    assert.equal(pageView.anonymousId, anonymousId);
    assert.equal(pageView.properties.path, '/demo/shop');
    assert.equal(pageView.properties.search, '?utm_source=newsletter&utm_medium=email&utm_campaign=spring');
    assert.equal(pageView.properties.title, 'Fresh bread — Crumb & Co.');
    assert.deepEqual(pageView.context.campaign, { source: 'newsletter', medium: 'email', name: 'spring' });
    assert.deepEqual(pageView.context.library, { name: 'crumbtrail.js', version: (await import('../../src/core/version.js')).VERSION });
    assert.equal(pageView.context.timezone, 'Asia/Tokyo');
    assert.equal(pageView.context.locale, 'en-US');
    assert.equal(pageView.context.sessionStart, true);
    assert.equal(typeof pageView.context.sessionId, 'number');
    assert.equal(list.context.sessionId, pageView.context.sessionId);
    assert.equal(list.context.sessionStart, undefined, 'sessionStart only on the session’s first event');
    assert.equal(list.properties.products.length, 6);
    assert.deepEqual((await trackerKeys(page)).sort(), ['ct_aid', 'ct_consent', 'ct_sess']);

    const { labels, events } = await stored(session.server, anonymousId);
    assert.deepEqual(labels, ['page Home', 'track Product List Viewed']);
    assert.equal(events.find((e) => e.type === 'page').context.campaign.source, 'newsletter');
  });

  it('records a product page view through SPA navigation, with visible active time and scroll depth', async () => {
    await page.click('a[data-product="sourdough"]');
    const arrived = await time.deliver();
    assert.deepEqual(arrived.map(label), ['track Page Engagement', 'page Product', 'track Product Viewed']);
    const [homeEngagement, productPage, viewed] = arrived;
    assert.equal(homeEngagement.properties.final, true);
    assert.equal(homeEngagement.properties.path, '/demo/shop');
    assert.equal(productPage.properties.path, '/demo/shop/product/sourdough');
    assert.equal(productPage.properties.referrer, `${session.server.url}/demo/shop?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    assert.deepEqual(viewed.properties, { product_id: 'sourdough', sku: 'CRB-001', name: 'Country Sourdough', category: 'Bread', price: 7.5, currency: 'USD' });

    // Active 10 s, then a scroll to the bottom, then 50 s without input: only IDLE_MS of those count.
    await time.run(10_000 - 1_100);
    // Resolve once the scroll event has been handled (Chromium dispatches it with the next frame, not at once).
    await page.evaluate(
      () => new Promise<void>((resolve) => {
        addEventListener('scroll', () => resolve(), { once: true });
        scrollTo(0, document.documentElement.scrollHeight);
      }),
    );
    await time.run(50_000);
    const onHide = await nextBatch(page, () => setVisibility(page, 'hidden'));
    assert.deepEqual(onHide.map(label), ['track Page Engagement']);
    const hidden = onHide[0].properties;
    assert.equal(hidden.final, false);
    assert.equal(hidden.path, '/demo/shop/product/sourdough');
    assert.equal(hidden.engaged_ms, 10_000 + IDLE_MS);
    assert.equal(hidden.scroll_depth, 100);
    assert.equal(hidden.page_view_id.length, 36);

    // Hidden for a minute: not counted. Visible again for 5 s, add to cart, then leave for the cart.
    await time.run(60_000);
    await setVisibility(page, 'visible');
    await time.run(5_000);
    await page.fill('#quantity', '2');
    await page.click('#add-to-cart');
    const added = await time.deliver();
    assert.deepEqual(added.map(label), ['track Product Added']);
    assert.deepEqual(added[0].properties, {
      cart_id: added[0].properties.cart_id,
      product_id: 'sourdough',
      sku: 'CRB-001',
      name: 'Country Sourdough',
      category: 'Bread',
      price: 7.5,
      quantity: 2,
      currency: 'USD',
    });
    assert.match(added[0].properties.cart_id, /^cart-/);
    await page.click('#cart-link');
    const cart = await time.deliver();
    assert.deepEqual(cart.map(label), ['track Page Engagement', 'page Cart', 'track Cart Viewed']);
    const final = cart[0].properties;
    assert.equal(final.page_view_id, hidden.page_view_id, 'the same page view');
    assert.equal(final.final, true);
    assert.equal(final.engaged_ms, 5_000 + 1_100, 'engaged_ms is the delta since the previous report');
    assert.deepEqual(cart[2].properties.products.map((p: any) => [p.product_id, p.quantity]), [['sourdough', 2]]);
  });

  it('tracks removal, checkout and the order, and joins the visitor to the identified customer', async () => {
    await page.goto(`${session.server.url}/demo/shop/product/rye`); // a full page load this time: the stored ids carry over
    await page.waitForFunction(() => (window as any).crumbtrail.__crumbtrail === true);
    await page.click('#add-to-cart');
    const loaded = await time.deliver();
    assert.deepEqual(loaded.map(label), ['track Page Engagement', 'page Product', 'track Product Viewed', 'track Product Added']);
    assert.ok(loaded.every((m) => m.anonymousId === anonymousId), 'same anonymousId after a reload');
    await page.click('#cart-link');
    await page.click('button[data-remove="rye"]');
    await page.click('#checkout-link');
    await page.fill('input[name=email]', 'ada@example.com');
    await page.fill('input[name=name]', 'Ada <b>Lovelace</b>');
    await page.click('#place-order');
    const order = await time.deliver();
    assert.deepEqual(order.map(label), [
      'track Page Engagement',
      'page Cart',
      'track Cart Viewed',
      'track Product Removed',
      'track Page Engagement',
      'page Checkout',
      'track Checkout Started',
      'identify',
      'track Payment Info Entered',
      'track Order Completed',
      'track Page Engagement',
      'page Order Confirmation',
    ]);
    const completed = order.find((m) => m.event === 'Order Completed');
    assert.equal(completed.userId, 'ada@example.com');
    assert.equal(completed.properties.revenue, 15);
    assert.equal(completed.properties.total, 15);
    assert.equal(completed.properties.currency, 'USD');
    assert.deepEqual(completed.properties.products.map((p: any) => [p.product_id, p.quantity, p.price]), [['sourdough', 2, 7.5]]);
    const started = order.find((m) => m.event === 'Checkout Started');
    assert.equal(started.properties.order_id, completed.properties.order_id);
    assert.equal(order.find((m) => m.type === 'identify').traits.name, 'Ada <b>Lovelace</b>');

    const byUser = await session.server.person('userId=ada@example.com');
    const byVisitor = await session.server.person(`anonymousId=${anonymousId}`);
    assert.equal(byUser.personId, byVisitor.personId, 'one person: the visitor became the customer');
    assert.equal(byUser.traits.email, 'ada@example.com');
    // Exactly what the page sent arrived, each message once.
    const { labels } = await stored(session.server, anonymousId);
    assert.deepEqual(labels, sentLabels(requests).sort());
  });

  it('keeps events in a bounded localStorage queue while offline and delivers them once back online', async () => {
    await page.click('a.brand');
    await page.click('a[data-product="baguette"]');
    await context.setOffline(true);
    await page.click('#add-to-cart');
    const before = trackingRequests(requests).length;
    await time.run(30_000);
    assert.equal(trackingRequests(requests).length, before, 'no attempts while the browser is offline');
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('ct_q') ?? '[]').map((m: any) => m.event ?? m.name));
    assert.deepEqual(queued, ['Page Engagement', 'Home', 'Product List Viewed', 'Page Engagement', 'Product', 'Product Viewed', 'Product Added']);
    const back = await nextBatch(page, () => context.setOffline(false));
    assert.deepEqual(back.map((m) => m.event ?? m.name), queued);
    await time.run(100);
    assert.equal(await page.evaluate(() => localStorage.getItem('ct_q')), null, 'the queue empties once the server confirms');
  });

  it('retries with backoff when a batch fails, without losing or doubling events', async () => {
    let failures = 0;
    await page.route('**/v1/batch', (route) => (failures++ < 2 ? route.abort('connectionreset') : route.continue()));
    await page.click('button[data-crumb-event]');
    const failed = () => page.waitForEvent('requestfailed', (r) => new URL(r.url()).pathname === '/v1/batch');
    let failure = failed();
    await time.run(1_100); // the batch timer: the first attempt fails
    await failure;
    failure = failed();
    await time.run(1_000); // backoff: 0.5–1 s after the first failure
    await failure;
    assert.equal(failures, 2);
    const retried = await time.deliver(2_000); // backoff: 1–2 s after the second failure
    assert.deepEqual(retried.map(label), ['track Newsletter Signup Clicked']);
    assert.deepEqual(retried[0].properties, { placement: 'footer' });
    await page.unroute('**/v1/batch');
    // Everything this visitor's page sent so far (offline resends and retries included) is stored exactly once.
    const { labels } = await stored(session.server, anonymousId);
    assert.deepEqual(labels, sentLabels(requests).sort());
    assert.equal(labels.filter((l) => l === 'track Newsletter Signup Clicked').length, 1);
  });

  it('records outbound link clicks and the visitor’s location when they share it', async () => {
    // Keep the page (example.org is unreachable here anyway): the tracker listens in the capture phase.
    await page.evaluate(() => document.getElementById('outbound')!.addEventListener('click', (e) => e.preventDefault()));
    await page.click('#outbound');
    await page.click('#share-location');
    await page.waitForFunction(() => (window as any).crumbtrail.user().queued >= 2);
    const batch = await time.deliver();
    assert.deepEqual(batch.map(label), ['track Outbound Link Clicked', 'track Location Updated']);
    assert.deepEqual(batch[0].properties, { href: 'https://example.org/bakers', text: 'Our bakers\' guild' });
    assert.deepEqual(batch[1].properties, { lat: TOKYO.latitude, lng: TOKYO.longitude, accuracy: TOKYO.accuracy });
  });

  it('starts a new session after 30 minutes idle', async () => {
    const { sessionId } = await who();
    await page.clock.fastForward('31:00');
    await page.click('a.brand');
    const batch = await time.deliver();
    assert.deepEqual(batch.map(label), ['track Page Engagement', 'page Home', 'track Product List Viewed']);
    assert.ok(batch[0].context.sessionId > sessionId);
    assert.equal(batch[0].context.sessionStart, true, 'the first event after the gap starts the new session');
    assert.deepEqual(batch.slice(1).map((m) => [m.context.sessionId, m.context.sessionStart]), [
      [batch[0].context.sessionId, undefined],
      [batch[0].context.sessionId, undefined],
    ]);
  });

  it('counts the back button (popstate) and replaceState as page views, but not hash changes', async () => {
    await page.goBack();
    // The back button's page view waits for the next task (the app renders first), so it may leave in a later batch.
    const back = await time.deliverAtLeast(3);
    // Sorted: on popstate the shop's own listener (and its Product Viewed) may run before the tracker's.
    assert.deepEqual(back.map(label).sort(), ['page Product', 'track Page Engagement', 'track Product Viewed']);
    const backPage = back.find((m) => m.type === 'page');
    assert.equal(backPage.properties.path, '/demo/shop/product/baguette');
    assert.equal(backPage.properties.title, 'Baguette — Crumb & Co.');
    await page.evaluate(() => {
      location.hash = '#reviews';
      history.replaceState(null, '', location.pathname + '?variant=large');
    });
    const replaced = await time.deliver();
    assert.deepEqual(replaced.map(label), ['track Page Engagement', 'page Product']);
    assert.equal(replaced[1].properties.search, '?variant=large');
  });

  it('never throws into the page, whatever it is given', async () => {
    await page.evaluate(() => {
      const ct = (window as any).crumbtrail;
      ct.track();
      ct.track({ not: 'a name' });
      ct.identify(Symbol('x'));
      ct.page(null, undefined, 42);
      ct.alias();
      ct.group(7);
      ct.consent('yes');
      ct.ecommerce.productViewed(null);
      ct.ready('not a function');
    });
    assert.deepEqual(pageErrors, []);
  });

  it('withdrawing consent stops sending and clears every identifier; consenting again starts afresh', async () => {
    await time.deliver().catch(() => {}); // whatever the previous step queued
    await page.click('#consent-withdraw');
    assert.deepEqual(await trackerKeys(page), []);
    assert.equal((await who()).anonymousId, null);
    const before = trackingRequests(requests).length;
    await page.click('a.brand');
    await page.click('a[data-product="rye"]');
    await page.click('#add-to-cart');
    await time.run(30_000);
    await setVisibility(page, 'hidden');
    await setVisibility(page, 'visible');
    assert.equal(trackingRequests(requests).length, before, 'nothing sent after withdrawal');
    assert.deepEqual(await trackerKeys(page), []);

    await page.reload();
    await page.waitForFunction(() => (window as any).crumbtrail.__crumbtrail === true);
    assert.equal((await who()).consent, 'pending', 'the withdrawal left no stored consent behind');
    await page.click('#consent-yes');
    const fresh = await time.deliver();
    assert.notEqual(fresh[0].anonymousId, anonymousId, 'a new visitor id');
    assert.equal(fresh[0].userId, undefined, 'the customer id is gone too');
    assert.equal(fresh[0].context.sessionStart, true);
    assert.deepEqual(batchesSent(requests).at(-1)?.batch.map(label), ['page Product', 'track Product Viewed']);
    assert.deepEqual(pageErrors, []);
  });
});

describe('crumbtrail.js honours Do Not Track / Global Privacy Control when configured', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  const session = serverAndChromium();

  it('sends nothing, even after consent, when the browser says Global Privacy Control', async () => {
    const context = await session.chromium.newContext();
    // A string, not a function: tsx would wrap a named arrow in a helper the page does not have.
    await context.addInitScript({ content: "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get() { return true; } });" });
    const requests = recordRequests(context);
    const page = await context.newPage();
    await page.clock.install({ time: Date.now() });
    await page.goto(`${session.server.url}/demo/shop`);
    await page.waitForFunction(() => (window as any).crumbtrail.__crumbtrail === true);
    assert.equal(await page.locator('#consent-banner').isVisible(), false, 'no banner: the browser already said no');
    await page.evaluate(() => (window as any).crumbtrail.consent({ analytics: true }));
    await page.click('a[data-product="rye"]');
    await page.click('#add-to-cart');
    await page.clock.runFor(10_000);
    assert.equal((await page.evaluate(() => (window as any).crumbtrail.user())).consent, 'denied');
    assert.deepEqual(trackingRequests(requests).map((r) => r.url()), []);
    assert.deepEqual(await trackerKeys(page), []);
    await context.close();
  });
});
