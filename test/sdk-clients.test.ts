import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { startTestServer, WRITE_KEY, type TestServer } from './support/server.js';

/** The real Segment and RudderStack server SDKs, pointed at a started Crumbtrail. */
describe('real SDK clients', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const person = (query: string) => server.person(query);
  const timeline = (personId: string) => server.timeline(personId);

  it('@segment/analytics-node: every call type arrives, identity merges, a resend is deduplicated', async () => {
    const errors: unknown[] = [];
    const analytics = new SegmentAnalytics({ writeKey: WRITE_KEY, host: server.url, flushAt: 20, flushInterval: 50 });
    analytics.on('error', (error) => errors.push(error));

    analytics.track({ anonymousId: 'seg-anon', event: 'Product Viewed', properties: { sku: 'A-1', price: 10 } });
    analytics.page({ anonymousId: 'seg-anon', name: 'Pricing', properties: { path: '/pricing' } });
    analytics.screen({ anonymousId: 'seg-anon', name: 'Home' });
    analytics.identify({ anonymousId: 'seg-anon', userId: 'seg-user', traits: { email: 'seg@example.com' } });
    analytics.group({ userId: 'seg-user', groupId: 'seg-company', traits: { name: 'Seg Co' } });
    analytics.alias({ previousId: 'seg-legacy-id', userId: 'seg-user' });
    analytics.track({ userId: 'seg-user', event: 'Order Completed', properties: { revenue: 99.5, currency: 'usd' }, messageId: 'seg-order-1' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    assert.deepEqual(errors, []);

    const user = await person('userId=seg-user');
    assert.deepEqual(user.anonymousIds.sort(), ['seg-anon', 'seg-legacy-id']);
    assert.equal(user.email, 'seg@example.com');
    assert.deepEqual(user.eventCounts, {
      'Product Viewed': 1,
      $page: 1,
      $screen: 1,
      $identify: 1,
      $group: 1,
      $alias: 1,
      'Order Completed': 1,
    });
    const trail = await timeline(user.personId);
    const order = trail.find((e) => e.event === 'Order Completed');
    assert.equal(order.messageId, 'seg-order-1');
    assert.deepEqual(order.properties, { revenue: 99.5, currency: 'usd' });
    assert.equal(order.context.library.name, '@segment/analytics-node');
    assert.ok(order.sentAt, 'the SDK sends sentAt, used for skew correction');

    // A client retry of the same message (same messageId) is stored once.
    const resend = new SegmentAnalytics({ writeKey: WRITE_KEY, host: server.url, flushAt: 1 });
    resend.track({ userId: 'seg-user', event: 'Order Completed', properties: { revenue: 99.5 }, messageId: 'seg-order-1' });
    await resend.closeAndFlush({ timeout: 10_000 });
    assert.equal((await person('userId=seg-user')).eventCounts['Order Completed'], 1);
    const stats = (await server.admin('/api/stats')).body;
    assert.ok(stats.drops.duplicate >= 1);
  });

  it('@rudderstack/rudder-sdk-node (gzip by default): every call type arrives, dedup holds on a resend', async () => {
    const rudder = new RudderAnalytics(WRITE_KEY, { dataPlaneUrl: server.url, flushAt: 50, flushInterval: 100, logLevel: 'error', retryCount: 0 });
    rudder.track({ anonymousId: 'rud-anon', event: 'Cart Viewed', properties: { items: 2 } });
    rudder.page({ anonymousId: 'rud-anon', name: 'Cart' });
    rudder.screen({ anonymousId: 'rud-anon', name: 'Checkout' });
    rudder.identify({ anonymousId: 'rud-anon', userId: 'rud-user', traits: { name: 'Rudy' } });
    rudder.group({ userId: 'rud-user', groupId: 'rud-team' });
    rudder.alias({ previousId: 'rud-old', userId: 'rud-user' });
    // The SDK honours a caller's messageId (its typings omit it), which is how an app makes a retry idempotent.
    const checkout = { userId: 'rud-user', event: 'Checkout Started', messageId: 'rud-msg-1' } as Parameters<typeof rudder.track>[0];
    rudder.track(checkout);
    await new Promise<void>((resolve, reject) => rudder.flush((error?: Error) => (error ? reject(error) : resolve())));
    rudder.track(checkout);
    await new Promise<void>((resolve, reject) => rudder.flush((error?: Error) => (error ? reject(error) : resolve())));

    const user = await person('userId=rud-user');
    assert.deepEqual(user.anonymousIds.sort(), ['rud-anon', 'rud-old']);
    assert.deepEqual(user.traits, { name: 'Rudy' });
    assert.deepEqual(user.eventCounts, {
      'Cart Viewed': 1,
      $page: 1,
      $screen: 1,
      $identify: 1,
      $group: 1,
      $alias: 1,
      'Checkout Started': 1,
    });
  });
});
