import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/server.js';

/** Identity stitching through the real HTTP path into real DuckDB + SQLite files. */
describe('identity', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { maxMergesPerPerson: 2 } });
  });
  after(() => server.dispose());

  const track = (ids: Record<string, string>, event: string, extra: Record<string, unknown> = {}) =>
    server.send('/v1/track', { ...ids, event, ...extra }).then((r) => assert.equal(r.status, 200));
  const identify = (userId: string, anonymousId: string | undefined, traits: Record<string, unknown> = {}) =>
    server.send('/v1/identify', { userId, anonymousId, traits }).then((r) => assert.equal(r.status, 200));
  const person = (query: string) => server.person(query);
  const timeline = (personId: string) => server.timeline(personId);

  it('makes events sent before login part of the person who logs in', async () => {
    await track({ anonymousId: 'visitor-1' }, 'Product Viewed', { timestamp: '2026-01-01T10:00:00Z' });
    await track({ anonymousId: 'visitor-1' }, 'Product Added', { timestamp: '2026-01-01T10:01:00Z' });
    const anonymous = await person('anonymousId=visitor-1');
    await identify('alice', 'visitor-1', { email: 'alice@example.com', name: 'Alice' });
    await track({ userId: 'alice' }, 'Order Completed', { timestamp: '2026-01-01T10:05:00Z', properties: { revenue: 30 } });

    const alice = await person('userId=alice');
    assert.equal(alice.personId, anonymous.personId, 'the anonymous person became Alice');
    assert.deepEqual(alice.userIds, ['alice']);
    assert.deepEqual(alice.anonymousIds, ['visitor-1']);
    assert.equal(alice.email, 'alice@example.com');
    assert.deepEqual(alice.eventCounts, { 'Product Viewed': 1, 'Product Added': 1, $identify: 1, 'Order Completed': 1 });
    assert.equal(alice.firstSeen, '2026-01-01T10:00:00.000Z');
    const trail = await timeline(alice.personId);
    assert.deepEqual(trail.filter((e) => e.type === 'track').map((e) => e.event), ['Order Completed', 'Product Added', 'Product Viewed']);
    assert.equal((await person('email=ALICE@example.com')).personId, alice.personId);
  });

  it('merges a second device\'s anonymous history into the known person', async () => {
    await identify('bob', 'bob-laptop');
    await track({ anonymousId: 'bob-phone' }, 'Page Scrolled', { timestamp: '2026-02-01T08:00:00Z' });
    const phone = await person('anonymousId=bob-phone');
    const bob = await person('userId=bob');
    assert.notEqual(phone.personId, bob.personId);

    await identify('bob', 'bob-phone', { plan: 'pro' });
    const merged = await person('userId=bob');
    assert.equal(merged.personId, bob.personId);
    assert.deepEqual(merged.anonymousIds.sort(), ['bob-laptop', 'bob-phone']);
    assert.deepEqual(merged.mergedPersonIds, [phone.personId]);
    const viaOldId = await server.admin(`/api/people/${phone.personId}`);
    assert.equal(viaOldId.body.personId, bob.personId, 'a merged-away id resolves to the survivor');
    const trail = await timeline(bob.personId);
    assert.ok(trail.some((e) => e.event === 'Page Scrolled'), 'the phone history is on the merged timeline');
  });

  it('never merges two known users through a shared anonymous id (a shared computer)', async () => {
    await identify('carol', 'family-pc');
    await track({ userId: 'carol', anonymousId: 'family-pc' }, 'Carol Shopped');
    await identify('dave', 'family-pc');
    await track({ userId: 'dave', anonymousId: 'family-pc' }, 'Dave Shopped');

    const carol = await person('userId=carol');
    const dave = await person('userId=dave');
    assert.notEqual(carol.personId, dave.personId);
    assert.deepEqual(carol.anonymousIds, ['family-pc'], 'the shared id stays with its first user');
    assert.deepEqual(dave.anonymousIds, []);
    assert.deepEqual(Object.keys(dave.eventCounts).sort(), ['$identify', 'Dave Shopped']);
    assert.deepEqual(Object.keys(carol.eventCounts).sort(), ['$identify', 'Carol Shopped']);
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
    assert.match(await metrics.text(), /crumbtrail_identity_merges_refused_total\{guard="known_user_conflict"\} [1-9]/);
  });

  it('lets an explicit alias join two known user ids', async () => {
    await track({ userId: 'erin-old' }, 'Old Account Event');
    await track({ userId: 'erin-new' }, 'New Account Event');
    const res = await server.send('/v1/alias', { previousId: 'erin-old', userId: 'erin-new' });
    assert.equal(res.status, 200);
    const erin = await person('userId=erin-old');
    assert.deepEqual(erin.userIds.sort(), ['erin-new', 'erin-old']);
    assert.equal((await person('userId=erin-new')).personId, erin.personId);
  });

  it('takes an unknown alias previousId as the anonymous id the user had', async () => {
    await server.send('/v1/alias', { previousId: 'frank-anon', userId: 'frank' });
    await track({ anonymousId: 'frank-anon' }, 'Later Anonymous Visit');
    const frank = await person('userId=frank');
    assert.deepEqual(frank.anonymousIds, ['frank-anon']);
    assert.equal(frank.eventCounts['Later Anonymous Visit'], 1);
  });

  it('ignores junk user ids instead of merging everyone who sent them', async () => {
    await identify('anonymous', 'junk-visitor-1');
    await identify('anonymous', 'junk-visitor-2');
    const one = await person('anonymousId=junk-visitor-1');
    const two = await person('anonymousId=junk-visitor-2');
    assert.notEqual(one.personId, two.personId);
    assert.deepEqual(one.userIds, []);
    const res = await server.admin('/api/people?userId=anonymous');
    assert.equal(res.status, 404);
  });

  it('caps how many persons one person absorbs', async () => {
    for (const device of ['g1', 'g2', 'g3']) await track({ anonymousId: `grace-${device}` }, 'Browse');
    await identify('grace', 'grace-g1'); // links: no merge needed
    await identify('grace', 'grace-g2'); // merge 1
    await track({ userId: 'grace', anonymousId: 'grace-g3' }, 'Browse'); // merge 2 (cap is 2)
    await track({ anonymousId: 'grace-g4' }, 'Browse');
    await identify('grace', 'grace-g4'); // refused: over the cap
    const grace = await person('userId=grace');
    assert.deepEqual(grace.anonymousIds.sort(), ['grace-g1', 'grace-g2', 'grace-g3']);
    assert.notEqual((await person('anonymousId=grace-g4')).personId, grace.personId);
  });

  it('merges identify traits key by key; the known person\'s traits win over an absorbed anonymous one', async () => {
    await identify('heidi', 'heidi-1', { name: 'Heidi', plan: 'free' });
    await identify('heidi', undefined, { plan: 'pro' });
    await server.send('/v1/identify', { anonymousId: 'heidi-2', traits: { plan: 'trial', company: 'Acme' } });
    await identify('heidi', 'heidi-2');
    const heidi = await person('userId=heidi');
    assert.deepEqual(heidi.traits, { name: 'Heidi', plan: 'pro', company: 'Acme' });
  });

  it('resolves events inside one batch in order: anonymous events, then login, then more', async () => {
    const res = await server.send('/v1/batch', {
      batch: [
        { type: 'page', anonymousId: 'ivan-anon', name: 'Home' },
        { type: 'identify', anonymousId: 'ivan-anon', userId: 'ivan' },
        { type: 'track', userId: 'ivan', event: 'Subscribed' },
      ],
    });
    assert.equal(res.status, 200);
    const ivan = await person('userId=ivan');
    assert.deepEqual(ivan.eventCounts, { $page: 1, $identify: 1, Subscribed: 1 });
    assert.deepEqual(ivan.anonymousIds, ['ivan-anon']);
  });
});
