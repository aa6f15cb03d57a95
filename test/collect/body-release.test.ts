import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerBodyParsers } from '../../src/collect/body-parser.js';
import { CollectPipeline } from '../../src/collect/pipeline/pipeline.js';
import { collectRoutes } from '../../src/collect/routes.js';
import type { WriteKeyAuth } from '../../src/collect/write-key.js';
import type { PreparedEvent } from '../../src/core/events.js';
import type { Ingestor } from '../../src/ingest/ingestor.js';
import { releaseGarbage } from '../../src/ops/heap.js';

/**
 * A request waits for its group commit for a whole flush cycle (~100 ms under load). If what waits still reaches
 * into the parsed body, every young-generation collection meanwhile copies the whole tree; releasing it cut the
 * scavenges' time by about a quarter in bench:ingest (docs/benchmarks.md, session 8).
 */
describe('tracking route: a waiting request holds nothing of its parsed body', () => {
  it('lets the parsed body, its properties and its context be collected while the events wait to be durable', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler); // the routes' schemas are zod's, as in src/server/app.ts
    app.setSerializerCompiler(serializerCompiler);
    registerBodyParsers(app);
    const refs: Record<string, WeakRef<object>> = {};
    app.addHook('preHandler', async (request) => {
      const body = request.body as { batch: { properties: object; context: object; traits: object }[] };
      refs.body = new WeakRef(body);
      refs.properties = new WeakRef(body.batch[0]!.properties);
      refs.context = new WeakRef(body.batch[0]!.context);
    });
    // The ingestor stands for the write buffer: it keeps the prepared events until the test lets the request go.
    let waiting: PreparedEvent[] = [];
    let release!: () => void;
    const submitted = new Promise<void>((resolveSubmitted) => {
      const ingestor = {
        ingest: (events: PreparedEvent[]) => {
          waiting = events;
          resolveSubmitted();
          return new Promise((resolve) => (release = () => resolve({ accepted: events.length, dropped: 0, drops: {} })));
        },
      };
      void collectRoutes(app, {
        pipeline: new CollectPipeline(null),
        ingestor: ingestor as unknown as Ingestor,
        auth: { sourceFor: async () => ({ sourceId: 'default' }) } as unknown as WriteKeyAuth,
        clock: { now: () => Date.UTC(2026, 11, 7) },
      });
    });
    await app.ready();
    const event = (i: number) => ({
      type: 'track',
      event: 'Product Viewed',
      anonymousId: `anon-${i}`,
      messageId: `m-${i}`,
      properties: { product_id: `sku-${i}`, price: 12.5, tags: ['a', 'b'] },
      context: { page: { url: `https://shop.example/p/${i}`, path: `/p/${i}` }, locale: 'ja-JP', library: { name: 'test' } },
    });
    const reply = app.inject({ method: 'POST', url: '/v1/batch', payload: { batch: [event(1), event(2)] } });
    await submitted;

    // A WeakRef keeps its target alive until the end of the job that made it: collect from a later one.
    await new Promise((resolve) => setImmediate(resolve));
    releaseGarbage(0);
    assert.equal(waiting.length, 2, 'the events are still waiting');
    assert.equal(JSON.parse(waiting[0]!.json.properties).product_id, 'sku-1', 'what the store writes is still there');
    assert.equal(refs.properties!.deref(), undefined, 'a waiting event keeps its properties only as JSON');
    assert.equal(refs.context!.deref(), undefined, 'a waiting event keeps its context only as JSON');
    assert.equal(refs.body!.deref(), undefined, 'the request lets go of its parsed body');

    release();
    const response = await reply;
    assert.equal(response.statusCode, 200, response.body);
    await app.close();
  });
});
