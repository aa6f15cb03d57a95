import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import type { EventStore } from '../../src/store/event-store/port.js';
import { storedEvent } from '../support/events.js';

export interface EventStoreFixture {
  store: EventStore;
  /** Reopen the same storage (a restart), returning the new handle. */
  reopen(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

/** The contract every EventStore adapter passes (kysely's per-dialect test setup is the model). */
export function eventStoreContract(engine: string, open: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${engine}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    before(async () => {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => fixture.cleanup());

    it('migrates idempotently and reports health', async () => {
      await store.migrate();
      const health = await store.health();
      assert.equal(health.ok, true);
      assert.equal(health.engine, engine);
    });

    it('round-trips every column of an appended event', async () => {
      const event = storedEvent({
        messageId: 'rt-1',
        personId: 'person-rt',
        type: 'track',
        event: 'Order Completed',
        userId: 'u-1',
        anonymousId: 'a-1',
        timestamp: Date.UTC(2026, 2, 3, 4, 5, 6, 789),
        originalTimestamp: Date.UTC(2026, 2, 3, 4, 5, 0),
        sentAt: Date.UTC(2026, 2, 3, 4, 5, 1),
        receivedAt: Date.UTC(2026, 2, 3, 4, 5, 7),
        properties: { revenue: 12.5, items: [{ sku: 'a' }], note: 'ü 日本' },
        traits: {},
        context: { locale: 'ja-JP' },
        revenue: 12.5,
        currency: 'JPY',
        locale: 'ja-JP',
        isBot: true,
        batchSeq: 7,
      });
      await store.append([event]);
      const [back] = await store.timeline({ personIds: ['person-rt'], limit: 10 });
      assert.ok(back);
      assert.deepEqual(
        { ...back, sizeBytes: 0 },
        { ...event, sizeBytes: 0 },
      );
    });

    it('pages a timeline newest first, with ties broken by messageId', async () => {
      const t0 = Date.UTC(2026, 5, 1);
      const events = ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
        storedEvent({ messageId: `tl-${id}`, personId: i % 2 === 0 ? 'tl-p1' : 'tl-p2', timestamp: t0 + (i < 2 ? 0 : i) * 1000 }),
      );
      await store.append(events);
      const page1 = await store.timeline({ personIds: ['tl-p1', 'tl-p2'], limit: 3 });
      assert.deepEqual(page1.map((e) => e.messageId), ['tl-e', 'tl-d', 'tl-c']);
      const last = page1.at(-1)!;
      const page2 = await store.timeline({ personIds: ['tl-p1', 'tl-p2'], limit: 3, before: { timestamp: last.timestamp, messageId: last.messageId } });
      assert.deepEqual(page2.map((e) => e.messageId), ['tl-b', 'tl-a']);
      const onlyP2 = await store.timeline({ personIds: ['tl-p2'], limit: 10 });
      assert.deepEqual(onlyP2.map((e) => e.messageId), ['tl-d', 'tl-b']);
    });

    it('tracks the batch high-water mark per node and replays batches in order', async () => {
      assert.equal(await store.maxBatchSeq('node-x'), 0);
      await store.append([
        storedEvent({ messageId: 'bx-1', nodeId: 'node-x', batchSeq: 1, event: 'first' }),
        storedEvent({ messageId: 'bx-2', nodeId: 'node-x', batchSeq: 1, event: 'second' }),
      ]);
      await store.append([storedEvent({ messageId: 'bx-3', nodeId: 'node-x', batchSeq: 2, event: 'third' })]);
      await store.append([storedEvent({ messageId: 'by-1', nodeId: 'node-y', batchSeq: 9 })]);
      assert.equal(await store.maxBatchSeq('node-x'), 2);
      const replay: string[][] = [];
      for await (const batch of store.batchesAfter('node-x', 0)) replay.push(batch.events.map((e) => `${batch.batchSeq}:${e.event}`));
      assert.deepEqual(replay, [['1:first', '1:second'], ['2:third']]);
      const after1: number[] = [];
      for await (const batch of store.batchesAfter('node-x', 1)) after1.push(batch.batchSeq);
      assert.deepEqual(after1, [2]);
      assert.deepEqual(await store.nodeIds(), ['local', 'node-x', 'node-y']);
    });

    it('says which messageIds it holds within the dedup window', async () => {
      const t = Date.UTC(2026, 6, 1);
      await store.append([
        storedEvent({ messageId: 'seen-old', receivedAt: t - 1000 }),
        storedEvent({ messageId: 'seen-new', receivedAt: t }),
        storedEvent({ messageId: "seen-'quoted\\", receivedAt: t }),
      ]);
      const seen = await store.seenMessageIds(['seen-old', 'seen-new', "seen-'quoted\\", 'never-sent'], t - 500);
      assert.deepEqual([...seen].sort(), ["seen-'quoted\\", 'seen-new']);
      assert.deepEqual([...(await store.seenMessageIds(['seen-old'], 0))], ['seen-old']);
      assert.equal((await store.seenMessageIds([], 0)).size, 0);
    });

    it('answers for a whole flush of long messageIds at once (10,000 ids, over half a megabyte)', async () => {
      const ids = Array.from({ length: 10_000 }, (_, i) => `flush-sized-${String(i).padStart(5, '0')}-${'x'.repeat(40)}`);
      await store.append([storedEvent({ messageId: ids[7_777]!, receivedAt: Date.UTC(2026, 6, 2) })]);
      assert.deepEqual([...(await store.seenMessageIds(ids, 0))], [ids[7_777]]);
    });

    it('computes a person\'s activity over all of their ids: counts, span, latest context, first touch', async () => {
      const t = Date.UTC(2026, 7, 1);
      await store.append([
        storedEvent({ messageId: 'act-1', personId: 'act-a', type: 'page', event: null, timestamp: t, timezone: 'Asia/Tokyo', browser: 'Chrome', referrer: 'https://news.example/' , url: 'https://shop.example/?ref=news' }),
        storedEvent({ messageId: 'act-2', personId: 'act-a', type: 'track', event: 'Product Viewed', timestamp: t + 1000, utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'spring' }),
        storedEvent({ messageId: 'act-3', personId: 'act-b', type: 'track', event: 'Product Viewed', timestamp: t + 2000, browser: 'Firefox', locale: 'ja-JP' }),
        storedEvent({ messageId: 'act-4', personId: 'act-b', type: 'identify', event: null, timestamp: t - 5000, timezone: 'Europe/Paris' }),
        storedEvent({ messageId: 'act-5', personId: 'someone-else', type: 'track', event: 'Product Viewed', timestamp: t + 9000, browser: 'Safari' }),
      ]);
      assert.deepEqual(await store.personActivity(['act-a', 'act-b']), {
        firstSeen: t - 5000,
        lastSeen: t + 2000,
        eventCounts: { $page: 1, 'Product Viewed': 2, $identify: 1 },
        context: { timezone: 'Asia/Tokyo', browser: 'Firefox', locale: 'ja-JP', utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'spring' },
        firstTouch: { utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, referrer: 'https://news.example/', url: 'https://shop.example/?ref=news', at: t },
      });
      assert.equal(await store.personActivity(['nobody-at-all']), null);
      assert.equal(await store.personActivity([]), null);
    });

    it('records merges idempotently', async () => {
      await store.recordMerges([{ from: 'm-a', to: 'm-b', at: Date.UTC(2026, 0, 1) }]);
      await store.recordMerges([{ from: 'm-a', to: 'm-b', at: Date.UTC(2026, 0, 1) }]);
      await store.recordMerges([{ from: 'm-b', to: 'm-c', at: Date.UTC(2026, 0, 2) }]);
      const aliases = await store.resolveAliases(['m-a', 'm-b', 'm-c', 'never-merged']);
      assert.deepEqual(Object.fromEntries(aliases), { 'm-a': 'm-c', 'm-b': 'm-c' });
      assert.deepEqual(await store.listAliases(), [
        { from: 'm-a', to: 'm-c', at: Date.UTC(2026, 0, 1) },
        { from: 'm-b', to: 'm-c', at: Date.UTC(2026, 0, 2) },
      ]);
    });

    it('keeps appended events across a reopen', async () => {
      const before = await store.countEvents();
      assert.ok(before > 0);
      store = await fixture.reopen();
      assert.equal(await store.countEvents(), before);
    });

    it('appends nothing for an empty batch', async () => {
      const count = await store.countEvents();
      await store.append([]);
      assert.equal(await store.countEvents(), count);
    });
  });
}
