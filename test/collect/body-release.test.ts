import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseGarbage } from '../../src/ops/heap.js';
import { startTestServer } from '../support/server.js';

/**
 * A request waits for its group commit for a whole flush cycle (~100 ms under load). If what waits still reaches
 * into the parsed body, every young-generation collection meanwhile copies the whole tree (docs/benchmarks.md,
 * sessions 8 and 9). What waits is the encoded request; this checks it on the event loop (no collect worker), where
 * the body is parsed in the same heap.
 */
describe('tracking route: a waiting request holds nothing of its parsed body', () => {
  it('lets the parsed body, its properties and its context be collected while the events wait in the write buffer', async () => {
    // Three events make a flush; the timer (10 s) is far beyond the test, so the first request waits for the second.
    const server = await startTestServer({ config: { flushMaxEvents: 3, flushIntervalMs: 10_000, collectWorkers: 0 } });
    try {
      const refs: WeakRef<object>[] = [];
      let prepared!: () => void;
      const firstPrepared = new Promise<void>((resolve) => (prepared = resolve));
      // Watch what the route hands the real pipeline: the parsed body and, inside it, the first event's objects.
      const pipeline = server.runtime.pipeline;
      const prepare = pipeline.prepare.bind(pipeline);
      pipeline.prepare = (body, call, request) => {
        if (refs.length === 0) {
          const first = (body as { batch: { properties: object; context: object }[] }).batch[0]!;
          refs.push(new WeakRef(body as object), new WeakRef(first.properties), new WeakRef(first.context));
        }
        const result = prepare(body, call, request);
        prepared();
        return result;
      };
      const event = (i: number) => ({
        type: 'track',
        event: 'Product Viewed',
        anonymousId: 'anon-release',
        messageId: `release-${i}`,
        properties: { product_id: `sku-${i}`, price: 12.5, tags: ['a', 'b'] },
        context: { page: { url: `https://shop.example/p/${i}`, path: `/p/${i}` }, locale: 'ja-JP' },
      });
      const first = server.send('/v1/batch', { batch: [event(1), event(2)] });
      await firstPrepared;
      while (server.runtime.ingestor.bufferDepth < 2) await new Promise((resolve) => setImmediate(resolve));

      // A WeakRef keeps its target alive until the end of the job that made it: collect from a later one.
      await new Promise((resolve) => setImmediate(resolve));
      releaseGarbage(0);
      assert.equal(server.runtime.ingestor.bufferDepth, 2, 'the two events are still waiting for their group commit');
      const [body, properties, context] = refs.map((ref) => ref.deref());
      assert.equal(properties, undefined, 'a waiting event keeps its properties only as JSON');
      assert.equal(context, undefined, 'a waiting event keeps its context only as JSON');
      assert.equal(body, undefined, 'the request lets go of its parsed body');

      const second = await server.send('/v1/batch', { batch: [event(3)] });
      assert.equal(second.status, 200);
      const reply = await first;
      assert.deepEqual(await reply.json(), { success: true, accepted: 2, dropped: 0, drops: {} });
      const person = await server.person('anonymousId=anon-release');
      const stored = (await server.timeline(person.personId)).find((e: { messageId: string }) => e.messageId === 'release-1');
      assert.deepEqual(stored.properties, { product_id: 'sku-1', price: 12.5, tags: ['a', 'b'] }, 'what the store wrote is whole');
    } finally {
      await server.dispose();
    }
  });
});
