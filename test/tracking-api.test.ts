import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { ManualClock } from '../src/core/clock.js';
import { TRACKING_PATHS } from '../src/collect/routes.js';
import { startTestServer, WRITE_KEY, type TestServer } from './support/server.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('tracking API (Segment wire format)', () => {
  let server: TestServer;
  const clock = new ManualClock(NOW);
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.dispose());

  const timeline = async (query: string) => server.timeline((await server.person(query)).personId);

  it('accepts every call type on its full path, its analytics.js short form, and /v1/import', async () => {
    const bodies: Record<string, Record<string, unknown>> = {
      track: { event: 'Product Viewed', properties: { sku: 'sku-1' } },
      identify: { traits: { plan: 'pro' } },
      page: { name: 'Home', properties: { path: '/' } },
      screen: { name: 'Settings' },
      group: { groupId: 'acme', traits: { name: 'Acme' } },
      alias: { previousId: 'old-id-1' },
    };
    for (const [path, call] of Object.entries(TRACKING_PATHS)) {
      const userId = `all-calls-${path}`;
      const body =
        call === 'batch'
          ? { batch: [{ type: 'track', userId, event: 'In Batch' }] }
          : { userId, messageId: `msg-${path}`, ...bodies[call] };
      const res = await server.send(`/v1/${path}`, body);
      assert.equal(res.status, 200, `/v1/${path}`);
      assert.deepEqual(await res.json(), { success: true, accepted: 1, dropped: 0, drops: {} }, `/v1/${path}`);
      const [stored] = await timeline(`userId=${userId}`);
      assert.equal(stored.type, call === 'batch' ? 'track' : call, `/v1/${path} stored type`);
      if (call === 'track') assert.deepEqual(stored.properties, { sku: 'sku-1' });
      if (call === 'group') assert.equal(stored.groupId, 'acme');
    }
  });

  it('finds the write key in Basic auth, the body, X-Write-Key and ?writeKey=', async () => {
    const event = (id: string) => ({ userId: `wk-${id}`, event: 'Key Test' });
    const noAuth = { authorization: '' };
    const viaBody = await server.send('/v1/track', { ...event('body'), writeKey: WRITE_KEY }, { headers: noAuth });
    const viaHeader = await server.send('/v1/track', event('header'), { headers: { ...noAuth, 'x-write-key': WRITE_KEY } });
    const viaQuery = await server.send(`/v1/track?writeKey=${WRITE_KEY}`, event('query'), { headers: noAuth });
    const viaBasic = await server.send('/v1/track', event('basic'));
    for (const res of [viaBody, viaHeader, viaQuery, viaBasic]) assert.equal(res.status, 200);
  });

  it('takes an analytics.js-style text/plain POST to /v1/t with the write key in the body', async () => {
    const res = await fetch(`${server.url}/v1/t`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
      body: JSON.stringify({
        writeKey: WRITE_KEY,
        type: 'track',
        event: 'Checkout Started',
        anonymousId: 'browser-anon-1',
        properties: { revenue: 42 },
        context: {
          page: { url: 'https://shop.example/checkout?utm_source=news&utm_medium=email&utm_campaign=spring', path: '/checkout', referrer: 'https://mail.example/' },
          userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
          timezone: 'Asia/Tokyo',
          locale: 'ja-JP',
        },
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const person = await server.admin('/api/people?anonymousId=browser-anon-1');
    assert.deepEqual(person.body.context, {
      timezone: 'Asia/Tokyo',
      locale: 'ja-JP',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      browser: 'Mobile Safari',
      os: 'iOS',
      deviceType: 'mobile',
      utmSource: 'news',
      utmMedium: 'email',
      utmCampaign: 'spring',
    });
    assert.equal(person.body.firstTouch.referrer, 'https://mail.example/');
  });

  it('answers a CORS preflight for browsers', async () => {
    const res = await fetch(`${server.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
  });

  it('accepts gzip-compressed bodies', async () => {
    const body = zlib.gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'gzip-user', event: 'Zipped' }] }));
    const res = await server.send('/v1/batch', body, { headers: { 'content-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    const [stored] = await timeline('userId=gzip-user');
    assert.equal(stored.event, 'Zipped');
  });

  it('corrects client clock skew as Segment does: timestamp = receivedAt - (sentAt - originalTimestamp)', async () => {
    // The client's clock runs 1 hour fast; it stamped the event, then sent it 10 s later.
    const clientNow = NOW + 3_600_000;
    clock.set(NOW);
    const res = await server.send('/v1/batch', {
      sentAt: new Date(clientNow).toISOString(),
      batch: [{ type: 'track', userId: 'skewed', event: 'Late', timestamp: new Date(clientNow - 10_000).toISOString() }],
    });
    assert.equal(res.status, 200);
    const [stored] = await timeline('userId=skewed');
    assert.equal(stored.timestamp, new Date(NOW - 10_000).toISOString());
    assert.equal(stored.originalTimestamp, new Date(clientNow - 10_000).toISOString());
    assert.equal(stored.sentAt, new Date(clientNow).toISOString());
    assert.equal(stored.receivedAt, new Date(NOW).toISOString());
  });

  it('uses receivedAt when the client sends no timestamp, and keeps it without sentAt', async () => {
    clock.set(NOW + 5_000);
    await server.send('/v1/track', { userId: 'no-ts', event: 'A' });
    await server.send('/v1/track', { userId: 'no-ts', event: 'B', timestamp: '2026-01-02T03:04:05.000Z' });
    const events = await timeline('userId=no-ts');
    assert.deepEqual(
      events.map((e) => [e.event, e.timestamp]),
      [
        ['A', new Date(NOW + 5_000).toISOString()],
        ['B', '2026-01-02T03:04:05.000Z'],
      ],
    );
  });

  it('merges batch-level context into each event (event fields win)', async () => {
    await server.send('/v1/batch', {
      context: { library: { name: 'analytics-python' }, locale: 'en-GB' },
      batch: [{ type: 'track', userId: 'ctx-user', event: 'E', context: { locale: 'fr-FR' } }],
    });
    const [stored] = await timeline('userId=ctx-user');
    assert.deepEqual(stored.context, { library: { name: 'analytics-python' }, locale: 'fr-FR' });
  });

  it('drops events without ids, tracks without a name, and junk ids, with typed reasons counted', async () => {
    const before = (await server.admin('/api/stats')).body;
    const res = await server.send('/v1/batch', {
      batch: [
        { type: 'track', event: 'No Ids' },
        { type: 'track', userId: 'null', anonymousId: 'undefined', event: 'Junk Ids' },
        { type: 'track', userId: 'named-user' },
        { type: 'alias', userId: 'named-user' },
        { type: 'group', userId: 'named-user' },
        { type: 'track', userId: 'named-user', event: 'Kept', timestamp: 'not a date' },
        { type: 'track', userId: 'named-user', event: 'Kept' },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      success: true,
      accepted: 1,
      dropped: 6,
      drops: { missing_id: 2, missing_event_name: 1, missing_previous_id: 1, missing_group_id: 1, invalid_timestamp: 1 },
    });
    const after = (await server.admin('/api/stats')).body;
    assert.equal(after.drops.missing_id - (before.drops.missing_id ?? 0), 2);
    assert.equal(after.events - before.events, 1);
  });

  it('drops unparseable or implausible times (a bad envelope sentAt too) instead of failing the store', async () => {
    const event = { type: 'track', userId: 'bad-times', event: 'E' };
    const replies = await Promise.all([
      server.send('/v1/batch', { sentAt: 'not a date', batch: [{ ...event, timestamp: '2026-01-01T00:00:00Z' }] }),
      server.send('/v1/batch', { batch: [{ ...event, timestamp: 1e20 }] }),
      server.send('/v1/batch', { batch: [{ ...event, timestamp: '+275760-09-13T00:00:00.000Z' }] }),
      server.send('/v1/batch', { batch: [{ ...event, timestamp: '1850-01-01T00:00:00Z' }] }),
    ]);
    for (const reply of replies) {
      assert.equal(reply.status, 200);
      assert.deepEqual(await reply.json(), { success: true, accepted: 0, dropped: 1, drops: { invalid_timestamp: 1 } });
    }
    const fractional = await server.send('/v1/track', { ...event, timestamp: 1767225600000.6 });
    assert.equal(fractional.status, 200);
    const [stored] = await timeline('userId=bad-times');
    assert.equal(stored.timestamp, '2026-01-01T00:00:00.001Z', 'epoch milliseconds are rounded to whole ones');
  });

  it('deduplicates by messageId, within one batch and across requests', async () => {
    const event = { type: 'track', userId: 'dedup-user', event: 'Once', messageId: 'dedup-1' };
    const first = await server.send('/v1/batch', { batch: [event, event] });
    assert.deepEqual(await first.json(), { success: true, accepted: 1, dropped: 1, drops: { duplicate: 1 } });
    const again = await server.send('/v1/track', event);
    assert.deepEqual(await again.json(), { success: true, accepted: 0, dropped: 1, drops: { duplicate: 1 } });
    assert.equal((await timeline('userId=dedup-user')).length, 1);
  });

  it('cleans characters some engines cannot store (NUL, lone surrogates) the same way everywhere', async () => {
    const res = await server.send('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'nul\u0000user', traits: { 'bad\u0000key': 'a\u0000b', half: 'x\ud800y' } },
        { type: 'track', userId: 'nul\u0000user', event: 'Odd\u0000Event', properties: { list: ['\udc00'] } },
      ],
    });
    assert.equal(res.status, 200);
    const person = await server.person('userId=nuluser');
    assert.deepEqual(person.traits, { badkey: 'ab', half: 'x\ufffdy' });
    const events = await server.timeline(person.personId);
    assert.equal(events.find((e) => e.type === 'track').event, 'OddEvent');
    assert.deepEqual(events.find((e) => e.type === 'track').properties, { list: ['\ufffd'] });
  });

  it('treats numeric ids as strings, as Segment does', async () => {
    await server.send('/v1/track', { userId: 12345, event: 'Numeric' });
    const [stored] = await timeline('userId=12345');
    assert.equal(stored.userId, '12345');
  });
});
