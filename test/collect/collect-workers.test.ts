import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { CollectPipeline } from '../../src/collect/pipeline/pipeline.js';
import type { BodyJob, PreparedBody } from '../../src/collect/worker/prepare-body.js';
import { CollectWorkers } from '../../src/collect/worker/worker-pool.js';
import { createLogger } from '../../src/core/logger.js';
import { decodeChunk } from '../../src/store/event-store/encoded/chunk.js';

// The collect workers are real threads running the built pipeline; these tests hand them bodies as the tracking
// route does and read what comes back.

const JOB: BodyJob = { contentEncoding: undefined, call: 'batch', receivedAt: Date.UTC(2026, 11, 7, 12), requestIp: '203.0.113.9' };
const BODY = {
  writeKey: 'key-in-the-body-0123',
  batch: [
    { type: 'track', event: 'Order Completed', userId: 'u-1', messageId: 'm-1', properties: { revenue: '19.90', currency: 'jpy' }, timestamp: '2026-12-07T11:59:00.000Z' },
    { type: 'identify', anonymousId: 'a-1', userId: 'u-1', messageId: 'm-2', traits: { email: 'ann@example.com', plan: 'pro' } },
    { type: 'page', anonymousId: 'a-1', messageId: 'm-3', context: { page: { path: '/pricing' }, locale: 'ja-JP', userAgent: 'Mozilla/5.0' } },
    { type: 'track', messageId: 'm-4' }, // no id, no event name: dropped
  ],
};

function pool(size: number, geoipDb: string | null = null): CollectWorkers {
  return new CollectWorkers({ size, geoipDb, logger: createLogger('silent'), pipeline: new CollectPipeline(null) });
}

function expectOk(prepared: PreparedBody) {
  if (!prepared.ok) assert.fail(`expected a prepared body, got ${prepared.error.code}: ${prepared.error.message}`);
  return prepared;
}

describe('collect workers', () => {
  it('a thread parses, checks and encodes a body: the digest, the drops and the columns', async () => {
    const workers = pool(1);
    try {
      await workers.started;
      assert.equal(workers.size, 1);
      const prepared = expectOk(await workers.prepare(Buffer.from(JSON.stringify(BODY)), JOB));
      assert.equal(prepared.bodyWriteKey, 'key-in-the-body-0123');
      assert.deepEqual(prepared.drops, { missing_id: 1 });
      const { request } = prepared;
      assert.equal(request.count, 3);
      assert.deepEqual(request.messageIds, ['m-1', 'm-2', 'm-3']);
      assert.deepEqual(request.types, ['track', 'identify', 'page']);
      assert.deepEqual(request.userIds, ['u-1', 'u-1', null]);
      assert.deepEqual(request.anonymousIds, [null, 'a-1', 'a-1']);
      assert.deepEqual(request.traits, [null, { email: 'ann@example.com', plan: 'pro' }, null]);
      assert.equal(request.receivedAt, JOB.receivedAt);
      const rows = decodeChunk(request.chunks[0]!);
      assert.equal(rows[0]!.event, 'Order Completed');
      assert.equal(rows[0]!.revenue, 19.9);
      assert.equal(rows[0]!.currency, 'JPY');
      assert.equal(rows[0]!.timestamp, Date.UTC(2026, 11, 7, 11, 59));
      assert.equal(rows[2]!.ip, '203.0.113.9', 'a browser call (it has a user agent) keeps the request IP');
      assert.equal(rows[2]!.path, '/pricing');
      assert.equal(rows[2]!.locale, 'ja-JP');
      assert.equal(rows[1]!.traits, JSON.stringify({ email: 'ann@example.com', plan: 'pro' }));
    } finally {
      await workers.close();
    }
  });

  it('a thread and the event loop prepare the same body the same way', async () => {
    const workers = pool(1);
    const inline = pool(0);
    try {
      await workers.started;
      const body = gzipSync(JSON.stringify(BODY));
      const job = { ...JOB, contentEncoding: 'gzip' };
      const [threaded, local] = [expectOk(await workers.prepare(body, job)), expectOk(await inline.prepare(body, job))];
      assert.deepEqual(decodeChunk(threaded.request.chunks[0]!), decodeChunk(local.request.chunks[0]!));
      assert.deepEqual({ ...threaded.request, chunks: [] }, { ...local.request, chunks: [] });
    } finally {
      await workers.close();
      await inline.close();
    }
  });

  it('bad bodies come back as catalogued errors, at the stage they failed', async () => {
    const workers = pool(1);
    try {
      await workers.started;
      const broken = await workers.prepare(Buffer.from('{"batch": ['), JOB);
      assert.ok(!broken.ok && broken.stage === 'parse' && broken.error.code === 'CT_INVALID_JSON', JSON.stringify(broken));
      const invalid = await workers.prepare(Buffer.from(JSON.stringify({ writeKey: 'k-0123456789abcdef', batch: [{ type: 'track', event: 'x', userId: { no: 1 } }] })), JOB);
      assert.ok(!invalid.ok && invalid.stage === 'events' && invalid.error.code === 'CT_INVALID_EVENT', JSON.stringify(invalid));
      assert.equal(invalid.bodyWriteKey, 'k-0123456789abcdef', 'the key is known, so the route checks it before reporting the events');
      assert.match(invalid.error.message, /event 0 userId/);
    } finally {
      await workers.close();
    }
  });

  it('a thread that dies is replaced; its waiting request fails with CT_INTERNAL, the next one is served', async () => {
    const workers = pool(1);
    try {
      await workers.started;
      const threads = (workers as unknown as { workers: { thread: { terminate(): Promise<number> } }[] }).workers;
      const dying = threads[0]!.thread;
      const waiting = workers.prepare(Buffer.from(JSON.stringify(BODY)), JOB);
      await dying.terminate(); // as an out-of-memory thread would end
      await assert.rejects(waiting, (error: { code?: string }) => error.code === 'CT_INTERNAL');
      await workers.started;
      assert.notEqual(threads[0]!.thread, dying, 'a new thread took its place');
      assert.equal(expectOk(await workers.prepare(Buffer.from(JSON.stringify(BODY)), JOB)).request.count, 3);
    } finally {
      await workers.close();
    }
  });

  it('a thread that cannot start is not restarted: the event loop prepares bodies itself', async () => {
    const workers = pool(1, '/nonexistent/geo.mmdb');
    try {
      await workers.started;
      assert.equal(workers.size, 0);
      assert.equal(expectOk(await workers.prepare(Buffer.from(JSON.stringify(BODY)), JOB)).request.count, 3);
    } finally {
      await workers.close();
    }
  });

  it('after close, bodies are refused with CT_SHUTTING_DOWN', async () => {
    const workers = pool(1);
    await workers.started;
    await workers.close();
    await assert.rejects(workers.prepare(Buffer.from('{}'), JOB), (error: { code?: string }) => error.code === 'CT_SHUTTING_DOWN');
  });
});
