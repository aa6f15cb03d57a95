import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { CollectPipeline } from '../../src/collect/pipeline/pipeline.js';
import { planDemo, type DemoOptions } from '../../src/demo/generate.js';

// Engine-independent: runs once per pair in CI, so it stays small (a few hundred customers, two months).
const BASE: DemoOptions = { customers: 150, days: 60, seed: 7, endMs: Date.parse('2026-03-01T00:00:00Z') };

function digest(options: DemoOptions) {
  const hash = createHash('sha256');
  const ids = new Set<string>();
  let count = 0;
  let previous = -Infinity;
  let ordered = true;
  for (const { at, event } of planDemo(options).events) {
    hash.update(JSON.stringify(event));
    hash.update('\n');
    ids.add(event.messageId as string);
    if (at < previous) ordered = false;
    previous = at;
    count++;
  }
  return { hash: hash.digest('hex'), count, uniqueIds: ids.size, ordered };
}

/** BASE's digest, computed once for the tests that read it (the reproducibility test makes its own second one). */
let baseDigest: ReturnType<typeof digest> | undefined;
const base = () => (baseDigest ??= digest(BASE));

describe('demo: reproducible for a seed', () => {
  test('the same seed, options and end time give byte-identical events; another seed differs', () => {
    const first = base();
    const again = digest(BASE);
    assert.ok(first.count > 5_000, `a small population still makes a history (${first.count} events)`);
    assert.equal(again.hash, first.hash);
    assert.equal(again.count, first.count);

    const otherSeed = digest({ ...BASE, seed: 8 });
    assert.notEqual(otherSeed.hash, first.hash);
    const otherEnd = digest({ ...BASE, endMs: BASE.endMs + 86_400_000 });
    assert.notEqual(otherEnd.hash, first.hash, 'the end time is an input too');
  });

  test('events come in time order, each with its own messageId derived from the seed', () => {
    const run = base();
    assert.ok(run.ordered, 'timestamps never go backwards');
    assert.equal(run.uniqueIds, run.count, 'messageIds are unique');

    const a = planDemo(BASE);
    const b = planDemo({ ...BASE, seed: 8 });
    const firstA = a.events.next().value!.event;
    const firstB = b.events.next().value!.event;
    assert.match(firstA.messageId as string, new RegExp(`^demo-${a.runId}-[cv]\\d+-[0-9a-z]+$`));
    assert.notEqual(a.runId, b.runId, 'another seed, other messageIds: both histories can live in one store');
    assert.notEqual(firstA.messageId, firstB.messageId);
  });

  test('every event passes the collect pipeline as is (no drops, no invalid events)', () => {
    const pipeline = new CollectPipeline(null);
    const batch: unknown[] = [];
    for (const { event } of planDemo({ ...BASE, customers: 40 }).events) batch.push(event);
    let accepted = 0;
    for (let i = 0; i < batch.length; i += 1000) {
      const prepared = pipeline.prepare({ batch: batch.slice(i, i + 1000) }, 'batch', { sourceId: 'default', receivedAt: BASE.endMs, requestIp: null });
      assert.deepEqual(prepared.drops, {});
      accepted += prepared.events.length;
    }
    assert.equal(accepted, batch.length);
  });

  test('sessions follow the tracker\'s rules: sessionStart on the first event, no 30 min gaps, Page Engagement per page', () => {
    const sessions = new Map<string, { last: number; events: number }>();
    let pages = 0;
    let engagements = 0;
    for (const { at, event } of planDemo(BASE).events) {
      const context = event.context as { sessionId?: number; sessionStart?: boolean };
      if (context.sessionId === undefined) {
        assert.ok(event.userId, `a backend event names the customer: ${JSON.stringify(event)}`);
        continue;
      }
      assert.ok(event.anonymousId, 'browser events carry the device\'s anonymousId');
      if (event.type === 'page') pages++;
      if (event.event === 'Page Engagement') {
        engagements++;
        assert.ok(Number.isInteger((event.properties as { engaged_ms: number }).engaged_ms));
      }
      const key = `${event.anonymousId}/${context.sessionId}`;
      const session = sessions.get(key);
      if (!session) {
        assert.equal(context.sessionStart, true, 'the first event of a session says so');
        assert.ok(at >= context.sessionId, 'sessionId is the epoch ms the session started');
        sessions.set(key, { last: at, events: 1 });
        continue;
      }
      assert.equal(context.sessionStart, undefined, 'only the first event starts a session');
      assert.ok(at - session.last < 30 * 60_000, `no 30 min idle gap inside a session (${key})`);
      session.last = at;
      session.events++;
    }
    assert.ok(sessions.size > 500);
    assert.ok(Math.abs(pages - engagements) <= 5, `every page view ends with a Page Engagement (${pages} pages, ${engagements})`);
  });

  test('options out of range are refused with the option named', () => {
    assert.throws(() => planDemo({ ...BASE, customers: 0 }), /--customers must be a whole number from 1/);
    assert.throws(() => planDemo({ ...BASE, days: 2.5 }), /--days must be a whole number/);
    assert.throws(() => planDemo({ ...BASE, endMs: Number.NaN }), /--end must be a date/);
  });
});
