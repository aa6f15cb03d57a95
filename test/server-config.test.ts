import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULTS, loadConfig } from '../src/core/config.js';
import { loadCredentials } from '../src/server/credentials.js';
import { ADMIN_TOKEN, allocateTestStores, startTestServer, tempDataDir, TEST_PAIR } from './support/server.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('configuration', () => {
  it('reads flags over environment over defaults, with units', () => {
    const config = loadConfig({ port: '5000' }, { CRUMBTRAIL_PORT: '6000', CRUMBTRAIL_DATA: '/tmp/x', CRUMBTRAIL_FLUSH_INTERVAL_MS: '25' });
    assert.equal(config.port, 5000);
    assert.equal(config.dataDir, '/tmp/x');
    assert.equal(config.flushIntervalMs, 25);
    assert.equal(config.dedupWindowMs, DEFAULTS.dedupWindowMs);
    assert.ok(Object.isFrozen(config));
  });

  it('fails fast naming the variable to fix', () => {
    assert.throws(() => loadConfig({}, { CRUMBTRAIL_PORT: 'eighty' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /CRUMBTRAIL_PORT \(or --port\).*"eighty"/);
      return true;
    });
    assert.throws(() => loadConfig({}, { CRUMBTRAIL_ADMIN_TOKEN: 'short' }), /CRUMBTRAIL_ADMIN_TOKEN .*at least 16/);
    assert.throws(() => loadConfig({}, { CRUMBTRAIL_DEDUP_WINDOW_MS: '1000' }), /CRUMBTRAIL_DEDUP_WINDOW_MS/);
  });

  it('the CLI exits with status 2 and the message on a bad value, before opening anything', () => {
    const dataDir = path.join(tempDataDir(), 'never-created');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--data', dataDir], {
      cwd: ROOT,
      env: { ...process.env, CRUMBTRAIL_PORT: '99999' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /CRUMBTRAIL_PORT \(or --port\) .*"99999"/);
    assert.equal(fs.existsSync(dataDir), false);
  });
});

describe('a failed start', () => {
  it('lets go of the stores and the node id, so the next start on the same stores works', async () => {
    const stores = await allocateTestStores();
    try {
      await assert.rejects(startTestServer({ stores, config: { geoipDb: path.join(stores.dataDir, 'missing.mmdb') } }));
      const server = await startTestServer({ stores });
      await server.close();
    } finally {
      await stores.cleanup();
    }
  });
});

describe('credentials', () => {
  it('generates missing secrets once, keeps them (0600), and prefers configured ones', () => {
    const dir = tempDataDir();
    try {
      const first = loadCredentials(dir, {});
      assert.deepEqual(first.generated.sort(), ['adminToken', 'writeKey']);
      assert.match(first.adminToken, /^ct_admin_/);
      const mode = fs.statSync(path.join(dir, 'credentials.json')).mode & 0o777;
      assert.equal(mode, 0o600);
      const second = loadCredentials(dir, {});
      assert.deepEqual(second.generated, []);
      assert.equal(second.adminToken, first.adminToken);
      assert.equal(second.writeKey, first.writeKey);
      const configured = loadCredentials(dir, { adminToken: 'configured-admin-token-123' });
      assert.equal(configured.adminToken, 'configured-admin-token-123');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('admin API', () => {
  it('pages a timeline with nextBefore, serves health, metrics, stats and the OpenAPI document', async () => {
    const server = await startTestServer();
    try {
      const batch = Array.from({ length: 7 }, (_, i) => ({
        type: 'track',
        userId: 'pager',
        event: `Step ${i}`,
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      }));
      await server.send('/v1/batch', { batch });
      const person = (await server.admin('/api/people?userId=pager')).body;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=3&before=${cursor}` : '?limit=3';
        const page = (await server.admin(`/api/people/${person.personId}/events${query}`)).body;
        seen.push(...page.events.map((e: { event: string }) => e.event));
        cursor = page.nextBefore;
      } while (cursor);
      assert.deepEqual(seen, ['Step 6', 'Step 5', 'Step 4', 'Step 3', 'Step 2', 'Step 1', 'Step 0']);
      const beforeTime = (await server.admin(`/api/people/${person.personId}/events?before=2026-01-01T00:02:00.000Z`)).body;
      assert.deepEqual(beforeTime.events.map((e: { event: string }) => e.event), ['Step 1', 'Step 0']);

      const health = await (await fetch(`${server.url}/api/health`)).json();
      const engines = TEST_PAIR === 'embedded' ? ['duckdb', 'sqlite'] : ['clickhouse', 'postgres'];
      assert.deepEqual(health.stores, { events: { engine: engines[0], ok: true }, state: { engine: engines[1], ok: true } });

      const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
      assert.match(metrics, /^crumbtrail_events_ingested_total 7$/m);
      assert.match(metrics, /^crumbtrail_write_buffer_depth 0$/m);
      assert.match(metrics, /^crumbtrail_flush_duration_seconds_count [1-9]/m);
      for (const phase of ['dedupe', 'identity', 'append', 'merges', 'listeners']) {
        assert.match(metrics, new RegExp(`^crumbtrail_flush_phase_seconds_count\\{phase="${phase}"\\} [1-9]`, 'm'));
      }
      assert.match(metrics, /^crumbtrail_ingest_lag_seconds /m);

      const stats = (await server.admin('/api/stats')).body;
      assert.equal(stats.events, 7);
      assert.equal(stats.people, 1);

      const openapi = await (await fetch(`${server.url}/api/openapi.json`)).json();
      assert.equal(openapi.openapi, '3.0.3');
      for (const p of ['/v1/track', '/v1/batch', '/v1/import', '/api/people', '/api/people/{personId}', '/api/people/{personId}/events', '/api/stats', '/api/health']) {
        assert.ok(openapi.paths[p], `${p} is documented`);
      }
      const trackBody = openapi.paths['/v1/track'].post.requestBody.content['application/json'].schema;
      assert.ok(trackBody.properties.anonymousId && trackBody.properties.properties, 'the tracking body comes from the event schema');
      assert.ok(openapi.paths['/api/people'].get.parameters.some((p: { name: string }) => p.name === 'email'));
    } finally {
      await server.dispose();
    }
  });

  it('derives country from the IP of browser calls with an offline geo database', async () => {
    const require = createRequire(import.meta.url);
    const geoipDb = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
    const server = await startTestServer({ config: { geoipDb } });
    try {
      const browser = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
      await server.send('/v1/page', { anonymousId: 'tokyo-visitor', context: { ip: '133.11.0.1', userAgent: browser } });
      await server.send('/v1/track', { userId: 'server-side', event: 'Invoice Paid' });
      const visitor = (await server.admin('/api/people?anonymousId=tokyo-visitor')).body;
      assert.equal(visitor.context.country, 'JP');
      assert.equal(visitor.context.browser, 'Chrome');
      const serverSide = (await server.admin('/api/people?userId=server-side')).body;
      assert.equal(serverSide.context.country, undefined, "a server SDK's own IP is not the customer's place");
    } finally {
      await server.dispose();
    }
  });
});
