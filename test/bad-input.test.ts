import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { ERROR_CATALOG, type ErrorCode } from '../src/core/errors.js';
import { KB } from '../src/core/units.js';
import { ADMIN_TOKEN, startTestServer, WRITE_KEY, type TestServer } from './support/server.js';

/** Every bad input gets its catalogued code and status, stores nothing, and leaves the server healthy. */
describe('bad input', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const eventCount = async () => (await server.admin('/api/stats')).body.events as number;

  async function expectError(res: Response, code: ErrorCode): Promise<any> {
    const body = await res.json();
    assert.equal(body.code, code, JSON.stringify(body));
    assert.equal(res.status, ERROR_CATALOG[code].status);
    assert.equal(body.success, false);
    assert.ok(body.message.startsWith(ERROR_CATALOG[code].message), body.message);
    return body;
  }

  const good = { type: 'track', userId: 'good-user', event: 'Good' };

  const cases: { name: string; code: ErrorCode; send: () => Promise<Response> }[] = [
    { name: 'malformed JSON', code: 'CT_INVALID_JSON', send: () => server.send('/v1/track', '{"userId": "x", ') },
    { name: 'an empty body', code: 'CT_INVALID_JSON', send: () => server.send('/v1/track', '') },
    {
      name: 'a body that is not UTF-8',
      code: 'CT_INVALID_JSON',
      send: () => server.send('/v1/track', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    },
    { name: 'a JSON array instead of an object', code: 'CT_INVALID_BODY', send: () => server.send('/v1/track', [good]) },
    { name: 'a batch that is not an array', code: 'CT_INVALID_BODY', send: () => server.send('/v1/batch', { batch: 'nope' }) },
    {
      name: 'properties of the wrong type, next to a good event',
      code: 'CT_INVALID_EVENT',
      send: () => server.send('/v1/batch', { batch: [good, { ...good, properties: 'not an object' }] }),
    },
    { name: 'a batch item without type', code: 'CT_INVALID_EVENT', send: () => server.send('/v1/batch', { batch: [good, { userId: 'u', event: 'x' }] }) },
    { name: 'an unknown type', code: 'CT_INVALID_EVENT', send: () => server.send('/v1/batch', { batch: [{ ...good, type: 'explode' }] }) },
    { name: 'a userId object', code: 'CT_INVALID_EVENT', send: () => server.send('/v1/track', { userId: { id: 1 }, event: 'x' }) },
    {
      name: 'an event over 32 KB, next to a good event',
      code: 'CT_EVENT_TOO_LARGE',
      send: () => server.send('/v1/batch', { batch: [good, { ...good, properties: { blob: 'x'.repeat(33 * KB) } }] }),
    },
    {
      name: 'a request over 500 KB',
      code: 'CT_REQUEST_TOO_LARGE',
      send: () => server.send('/v1/batch', { batch: Array.from({ length: 30 }, () => ({ ...good, properties: { blob: 'y'.repeat(20 * KB) } })) }),
    },
    {
      name: 'a gzip body that inflates past 500 KB',
      code: 'CT_REQUEST_TOO_LARGE',
      send: () =>
        server.send('/v1/batch', zlib.gzipSync(JSON.stringify({ batch: [good], pad: ' '.repeat(2000 * KB) })), {
          headers: { 'content-encoding': 'gzip' },
        }),
    },
    {
      name: 'a corrupt gzip body',
      code: 'CT_UNSUPPORTED_ENCODING',
      send: () => server.send('/v1/track', new Uint8Array([0x1f, 0x8b, 1, 2, 3]), { headers: { 'content-encoding': 'gzip' } }),
    },
    {
      name: 'an unsupported Content-Encoding',
      code: 'CT_UNSUPPORTED_ENCODING',
      send: () => server.send('/v1/track', JSON.stringify(good), { headers: { 'content-encoding': 'br' } }),
    },
    {
      name: 'an unsupported Content-Type',
      code: 'CT_UNSUPPORTED_MEDIA_TYPE',
      send: () => server.send('/v1/track', '<event/>', { headers: { 'content-type': 'application/xml' } }),
    },
    { name: 'no write key', code: 'CT_MISSING_WRITE_KEY', send: () => server.send('/v1/track', good, { headers: { authorization: '' } }) },
    {
      name: 'an unknown write key',
      code: 'CT_INVALID_WRITE_KEY',
      send: () => server.send('/v1/track', good, { headers: { authorization: `Basic ${Buffer.from('wrong-key:').toString('base64')}` } }),
    },
    {
      name: 'the admin token used as a write key is still just an unknown write key',
      code: 'CT_INVALID_WRITE_KEY',
      send: () => server.send('/v1/track', good, { headers: { authorization: `Basic ${Buffer.from(`${ADMIN_TOKEN}:`).toString('base64')}` } }),
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name} with ${c.code} and stores nothing`, async () => {
      const before = await eventCount();
      await expectError(await c.send(), c.code);
      assert.equal(await eventCount(), before);
    });
  }

  it('reports where each invalid event is, by index and path', async () => {
    const body = await expectError(
      await server.send('/v1/batch', { batch: [good, { ...good, properties: 'x' }, { ...good, context: 7 }] }),
      'CT_INVALID_EVENT',
    );
    assert.deepEqual(
      body.details.issues.map((i: { index: number; path: string }) => [i.index, i.path]),
      [
        [1, 'properties'],
        [2, 'context'],
      ],
    );
  });

  describe('the admin API', () => {
    const get = (path: string, token?: string) =>
      fetch(server.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    it('needs the admin token (CT_MISSING_ADMIN_TOKEN)', async () => {
      for (const path of ['/api/stats', '/api/people?userId=x', '/api/people/p/events', '/metrics']) {
        await expectError(await get(path), 'CT_MISSING_ADMIN_TOKEN');
      }
    });

    it('refuses the write key as a bearer token (CT_INVALID_ADMIN_TOKEN)', async () => {
      await expectError(await get('/api/stats', WRITE_KEY), 'CT_INVALID_ADMIN_TOKEN');
      await expectError(await get('/api/people?userId=good-user', WRITE_KEY), 'CT_INVALID_ADMIN_TOKEN');
    });

    it('rejects bad query strings with CT_INVALID_QUERY', async () => {
      await expectError(await get('/api/people', ADMIN_TOKEN), 'CT_INVALID_QUERY');
      await expectError(await get('/api/people?userId=a&email=b@c.d', ADMIN_TOKEN), 'CT_INVALID_QUERY');
      await expectError(await get('/api/people/p1/events?limit=0', ADMIN_TOKEN), 'CT_INVALID_QUERY');
    });

    it('answers unknown people and routes with 404 codes', async () => {
      await expectError(await get('/api/people?userId=nobody', ADMIN_TOKEN), 'CT_PERSON_NOT_FOUND');
      await expectError(await get('/api/people/nobody', ADMIN_TOKEN), 'CT_PERSON_NOT_FOUND');
      await expectError(await get('/v2/track', ADMIN_TOKEN), 'CT_ROUTE_NOT_FOUND');
    });
  });

  it('is still healthy and still ingests after all of that', async () => {
    const health = await fetch(`${server.url}/api/health`);
    assert.equal(health.status, 200);
    const res = await server.send('/v1/track', good);
    assert.equal(res.status, 200);
  });
});

describe('overload and store failure', () => {
  it('answers CT_OVERLOADED when the write buffer is full, and still stores the waiting request', async () => {
    const server = await startTestServer({ config: { maxBufferedEvents: 2, flushIntervalMs: 300 } });
    try {
      const first = server.send('/v1/batch', { batch: [{ type: 'track', userId: 'a', event: 'x' }, { type: 'track', userId: 'b', event: 'x' }] });
      // The first request waits for its flush window; the buffer is at its limit until then.
      await new Promise<void>((resolve) => {
        const check = () => (server.runtime.ingestor.bufferDepth === 2 ? resolve() : setImmediate(check));
        check();
      });
      const second = await server.send('/v1/track', { userId: 'c', event: 'x' });
      assert.equal(second.status, 503);
      assert.equal((await second.json()).code, 'CT_OVERLOADED');
      assert.equal((await first).status, 200);
      assert.equal((await server.admin('/api/stats')).body.events, 2);
    } finally {
      await server.dispose();
    }
  });

  it('answers CT_STORE_UNAVAILABLE, not a crash, when the event store cannot write', async () => {
    const server = await startTestServer();
    try {
      await server.runtime.events.close();
      const res = await server.send('/v1/track', { userId: 'u', event: 'x' });
      assert.equal(res.status, 503);
      assert.equal((await res.json()).code, 'CT_STORE_UNAVAILABLE');
      const health = await fetch(`${server.url}/api/health`);
      assert.equal(health.status, 503);
      assert.equal((await health.json()).stores.events.ok, false);
    } finally {
      await server.app.close();
      await server.runtime.state.close();
      await server.stores.cleanup();
    }
  });
});

describe('shutdown', () => {
  it('refuses new events with CT_SHUTTING_DOWN once the write buffer is closed, after flushing what it had', async () => {
    const server = await startTestServer();
    try {
      const waiting = server.runtime.ingestor.ingest([], { missing_id: 1 });
      await server.runtime.ingestor.close();
      await waiting;
      await assert.rejects(server.runtime.ingestor.ingest([], {}), (error: { code?: string }) => error.code === 'CT_SHUTTING_DOWN');
      assert.equal((await server.admin('/api/stats')).body.drops.missing_id, 1, 'the entry waiting at close was flushed');
    } finally {
      await server.dispose();
    }
  });
});
