// The server side of the tracker and the demo shop, over plain HTTP (no browser needed).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { startTestServer, WRITE_KEY, type TestServer } from '../support/server.js';

describe('/crumbtrail.js and /demo/shop', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('serves the tracker, gzipped to browsers that accept it', async () => {
    const plain = await fetch(`${server.url}/crumbtrail.js`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get('content-type') ?? '', /^application\/javascript/);
    const code = await plain.text();
    assert.match(code, /^\/\*! crumbtrail\.js /);
    // node:http, not fetch: fetch would undo the gzip before the test could see it.
    const zipped = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http.get(`${server.url}/crumbtrail.js`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    assert.equal(zipped.encoding, 'gzip');
    assert.equal(zlib.gunzipSync(zipped.body).toString('utf8'), code);
  });

  it('serves the shop on every SPA path with the default source’s write key and a strict CSP', async () => {
    for (const path of ['/demo/shop', '/demo/shop/product/rye', '/demo/shop/cart']) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 200, path);
      const html = await res.text();
      assert.ok(html.includes(`<meta name="crumbtrail-write-key" content="${WRITE_KEY}">`), path);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self';.*connect-src 'self'/);
    }
    const asset = await fetch(`${server.url}/demo/shop/assets/shop.js`);
    assert.equal(asset.status, 200);
    const missing = await fetch(`${server.url}/demo/shop/assets/..%2F..%2Froutes.ts`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).code, 'CT_ROUTE_NOT_FOUND');
  });
});
