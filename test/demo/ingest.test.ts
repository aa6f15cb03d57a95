import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { HttpSink, InProcessSink } from '../../src/cli/import/sink.js';
import { ManualClock } from '../../src/core/clock.js';
import { planDemo, type DemoOptions } from '../../src/demo/generate.js';
import { demoOnStart } from '../../src/demo/on-start.js';
import { runDemo } from '../../src/demo/run.js';
import { ADMIN_TOKEN, allocateTestStores, startTestServer, WRITE_KEY, type TestServer, type TestStores } from '../support/server.js';

const END = Date.parse('2026-06-01T00:00:00Z');
const SMALL: DemoOptions = { customers: 40, days: 90, seed: 3, endMs: END };

const servers: TestServer[] = [];
after(async () => {
  for (const server of servers) await server.dispose();
});

/** What the generator says each customer should look like: every anonymous id sent with their userId, and their events. */
function expectations(options: DemoOptions) {
  const anonymousIds = new Map<string, Set<string>>();
  const userOfAnon = new Map<string, string>();
  const events: Record<string, unknown>[] = [];
  const demo = planDemo(options);
  for (const { event } of demo.events) {
    events.push(event);
    const { userId, anonymousId } = event as { userId?: string; anonymousId?: string };
    if (userId && anonymousId) {
      if (!anonymousIds.has(userId)) anonymousIds.set(userId, new Set());
      anonymousIds.get(userId)!.add(anonymousId);
      userOfAnon.set(anonymousId, userId);
    }
  }
  const eventsOf = (userId: string) =>
    events.filter((e) => e.userId === userId || (e.userId === undefined && userOfAnon.get(e.anonymousId as string) === userId)).length;
  return { anonymousIds, eventsOf, customers: demo.customers };
}

/** The CLI configures shared stores through the environment; so does this test, for the in-process sink. */
async function openInProcess(stores: TestStores): Promise<InProcessSink> {
  if (!stores.eventsUrl) return InProcessSink.open(stores.dataDir);
  const env = { CRUMBTRAIL_EVENTS_URL: stores.eventsUrl, CRUMBTRAIL_STATE_URL: stores.stateUrl, CRUMBTRAIL_ADMIN_TOKEN: ADMIN_TOKEN, CRUMBTRAIL_WRITE_KEY: WRITE_KEY };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await InProcessSink.open(stores.dataDir);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('demo: ingestion through the real pipeline', () => {
  test('in-process (crumbtrail demo -d): every event and person arrives, and identities merge', async () => {
    const stores = await allocateTestStores();
    const sink = await openInProcess(stores);
    let summary;
    try {
      summary = await runDemo({ ...SMALL, batchSize: 1000 }, sink);
    } finally {
      await sink.close();
    }
    assert.equal(summary.interrupted, false);
    assert.equal(summary.totals.accepted, summary.events);
    assert.deepEqual(summary.totals.drops, {});

    const server = await startTestServer({ stores });
    servers.push(server);
    const stats = (await server.admin('/api/stats')).body;
    assert.equal(stats.events, summary.events, 'the store holds every generated event');
    assert.equal(stats.people, summary.expectedPeople, 'one person per customer and per anonymous visitor');

    const expected = expectations(SMALL);
    assert.equal(expected.anonymousIds.size, SMALL.customers);
    // Profiles of customers with a second device and a few others (each lookup reads the event log).
    const all = [...expected.anonymousIds];
    const checked = [...all.filter(([, ids]) => ids.size > 1).slice(0, 5), ...all.filter(([, ids]) => ids.size === 1).slice(0, 5)];
    let merged = 0;
    let secondDevices = 0;
    for (const [userId, anonymousIds] of checked) {
      const person = await server.person(`userId=${userId}`);
      assert.deepEqual([...person.anonymousIds].sort(), [...anonymousIds].sort(), `${userId}: every device joined the customer`);
      merged += person.mergedPersonIds.length;
      if (anonymousIds.size > 1) secondDevices++;
      const counted = Object.values(person.eventCounts as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(counted, expected.eventsOf(userId), `${userId}: anonymous history before sign-up/login is part of the profile`);
    }
    assert.ok(secondDevices > 0, 'some customers logged in on a second device');
    assert.ok(merged >= secondDevices, `anonymous persons were merged into customers (${merged} merges)`);

    // Acquisition: the first touch is the channel the generator chose.
    const paid = expected.customers.find((c) => c.channel.id === 'google-ads' && c.anonymousSessionsBefore > 0);
    assert.ok(paid, 'a customer who arrived through the paid search campaign');
    const person = await server.person(`userId=${paid.userId}`);
    assert.equal(person.firstTouch.utmSource, 'google');
    assert.equal(person.firstTouch.utmMedium, 'cpc');
  });

  test('over HTTP (--url): the same counts; loading it again stores nothing new', async () => {
    const server = await startTestServer();
    servers.push(server);
    const options = { ...SMALL, customers: 25 };
    const first = await runDemo(options, new HttpSink({ url: server.url, writeKey: WRITE_KEY }));
    assert.equal(first.totals.accepted, first.events);
    const again = await runDemo(options, new HttpSink({ url: server.url, writeKey: WRITE_KEY }));
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.drops.duplicate, again.events, 'messageIds follow from the seed, so a reload is all duplicates');
    const stats = (await server.admin('/api/stats')).body;
    assert.equal(stats.events, first.events);
    assert.equal(stats.people, first.expectedPeople);
  });

  test('crumbtrail start: offers the demo on an empty store, loads it with --demo, never into a store with data', async () => {
    const server = await startTestServer();
    servers.push(server);
    const clock = new ManualClock(END);
    const size = { customers: 10, days: 30, seed: 5 };
    const said: string[] = [];
    const write = (text: string) => said.push(text);

    await demoOnStart(server, { load: false, clock, write, size }).done;
    assert.match(said.join(''), /The event store is empty[\s\S]*crumbtrail start --demo/);
    assert.equal((await server.admin('/api/stats')).body.events, 0, 'an offer loads nothing');

    said.length = 0;
    await demoOnStart(server, { load: true, clock, write, size }).done;
    const stats = (await server.admin('/api/stats')).body;
    const expectedEvents = [...planDemo({ ...size, endMs: END }).events].length;
    assert.equal(stats.events, expectedEvents, 'the history ends at the clock\'s now');
    assert.match(said.join(''), /Loaded the demo shop history/);

    said.length = 0;
    await demoOnStart(server, { load: true, clock, write, size: { ...size, seed: 6 } }).done;
    assert.match(said.join(''), /already holds \d+ events/);
    assert.equal((await server.admin('/api/stats')).body.events, expectedEvents);
  });
});
