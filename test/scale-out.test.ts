import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { migrateInstallation } from '../src/cli/migrate.js';
import { createLogger } from '../src/core/logger.js';
import { createRuntime } from '../src/server/runtime.js';
import { allocateTestStores, startTestServer, tempDataDir, TEST_PAIR, testConfig, type TestServer } from './support/server.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SCALE_OUT_ONLY = TEST_PAIR === 'scaleout' ? false : 'runs on the scale-out pair only (ClickHouse + PostgreSQL)';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CRUMBTRAIL_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('scale-out configuration', () => {
  it('rejects a store URL of the wrong kind, naming the variable', () => {
    const result = cli(['start', '--data', tempDataDir(), '--events', 'postgres://localhost/x']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /CRUMBTRAIL_EVENTS_URL \(or --events\) must be a clickhouse:\/\/ or clickhouses:\/\/ URL/);
  });

  it('requires shared secrets when the stores are shared', () => {
    const result = cli(['start', '--data', tempDataDir(), '--events', 'clickhouse://127.0.0.1:1/x'], {
      CRUMBTRAIL_ADMIN_TOKEN: '',
      CRUMBTRAIL_WRITE_KEY: '',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /CRUMBTRAIL_ADMIN_TOKEN must be set when the stores are shared/);
  });

  it('fails fast with a clear message when a server is unreachable', () => {
    const secrets = { CRUMBTRAIL_ADMIN_TOKEN: 'unreachable-admin-token-1', CRUMBTRAIL_WRITE_KEY: 'unreachable-write-key-12' };
    const events = cli(['start', '--data', tempDataDir(), '--events', 'clickhouse://default:secret@127.0.0.1:1/crumbtrail'], secrets);
    assert.equal(events.status, 1);
    assert.match(events.stderr, /Cannot reach ClickHouse at clickhouse:\/\/default@127\.0\.0\.1:1\/crumbtrail/);
    assert.doesNotMatch(events.stderr, /secret/, 'the password is not printed');
    const state = cli(['start', '--data', tempDataDir(), '--state', 'postgres://crumbtrail:secret@127.0.0.1:1/crumbtrail'], secrets);
    assert.equal(state.status, 1);
    assert.match(state.stderr, /Cannot reach PostgreSQL at postgres:\/\/crumbtrail@127\.0\.0\.1:1\/crumbtrail/);
    assert.doesNotMatch(state.stderr, /secret/);
  });
});

describe('several nodes on the same ClickHouse + PostgreSQL', { skip: SCALE_OUT_ONLY }, () => {
  it('behave as one system: one person, no event lost or duplicated, when two nodes take the same person\'s events', async () => {
    const stores = await allocateTestStores();
    const nodes: TestServer[] = [];
    try {
      nodes.push(await startTestServer({ stores, config: { nodeId: 'node-a' } }));
      nodes.push(await startTestServer({ stores, config: { nodeId: 'node-b' } }));
      const requests: Promise<Response>[] = [];
      for (let i = 0; i < 40; i++) {
        const node = nodes[i % 2]!;
        const batch = [
          { type: 'track', anonymousId: `device-${i}`, event: 'Browse', messageId: `browse-${i}` },
          { type: 'identify', anonymousId: `device-${i}`, userId: 'shared-customer', messageId: `identify-${i}` },
          { type: 'track', userId: 'shared-customer', event: 'Buy', messageId: `buy-${i}` },
        ];
        requests.push(node.send('/v1/batch', { batch }));
        // A client retry of the same batch lands on the other node.
        if (i % 5 === 0) requests.push(nodes[(i + 1) % 2]!.send('/v1/batch', { batch }));
      }
      const replies = await Promise.all(requests);
      const bodies = await Promise.all(replies.map((r) => r.json()));
      assert.ok(replies.every((r) => r.status === 200), JSON.stringify(bodies.find((b) => !b.success)));
      const accepted = bodies.reduce((sum, b) => sum + b.accepted, 0);
      const duplicates = bodies.reduce((sum, b) => sum + (b.drops.duplicate ?? 0), 0);
      assert.equal(accepted, 120, 'every distinct event accepted exactly once');
      assert.equal(duplicates, 24, 'every retried event dropped as a duplicate');

      for (const node of nodes) {
        const customer = await node.person('userId=shared-customer');
        assert.equal(customer.anonymousIds.length, 40);
        assert.deepEqual(customer.eventCounts, { Browse: 40, $identify: 40, Buy: 40 });
        const stats = (await node.admin('/api/stats')).body;
        assert.equal(stats.events, 120);
        assert.equal(stats.people, 1);
        assert.equal((await node.timeline(customer.personId)).length, 120);
      }
    } finally {
      for (const node of nodes) await node.close();
      await stores.cleanup();
    }
  });

  it('refuses a second live process with the same node id', async () => {
    const stores = await allocateTestStores();
    const first = await startTestServer({ stores, config: { nodeId: 'twin' } });
    try {
      await assert.rejects(startTestServer({ stores, config: { nodeId: 'twin' } }), /node id "twin" is already in use/);
    } finally {
      await first.dispose();
    }
  });
});

describe('crumbtrail migrate', { skip: SCALE_OUT_ONLY }, () => {
  it('copies an embedded installation into ClickHouse + PostgreSQL and verifies the counts', async () => {
    const embedded = { dataDir: tempDataDir(), cleanup: async () => {} };
    const source = await createRuntime(testConfig(embedded), { logger: createLogger('silent'), defaultMetrics: false });
    const { ingestor, pipeline } = source;
    const ingest = (body: unknown) => {
      const prepared = pipeline.prepare(body, 'batch', { sourceId: 'default', receivedAt: Date.UTC(2026, 0, 1), requestIp: null });
      return ingestor.ingest(prepared.events, prepared.drops);
    };
    await ingest({ batch: [{ type: 'track', anonymousId: 'm-anon', event: 'Browse' }, { type: 'track', event: 'No Id' }] });
    await ingest({ batch: [{ type: 'identify', anonymousId: 'm-anon', userId: 'm-user', traits: { email: 'm@example.com' } }] });
    await ingest({ batch: [{ type: 'track', anonymousId: 'm-phone', event: 'Browse' }] });
    await ingest({ batch: [{ type: 'identify', anonymousId: 'm-phone', userId: 'm-user' }] });
    const sourceProfile = await source.state.getProfile((await source.state.findPersonId({ userId: 'm-user' }))!);
    const sourceActivity = await source.events.personActivity([sourceProfile!.personId, ...sourceProfile!.mergedPersonIds]);
    await source.close();

    const target = await allocateTestStores();
    try {
      const report = await migrateInstallation({ from: embedded.dataDir, eventsUrl: target.eventsUrl!, stateUrl: target.stateUrl!, progress: false });
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.deepEqual(report.events, { source: 4, target: 4 });
      assert.deepEqual(report.aliases, { source: 1, target: 1 });
      assert.deepEqual(report.rows.dropCounts, { source: 1, target: 1 });

      const server = await startTestServer({ stores: target });
      try {
        const migrated = await server.person('userId=m-user');
        const { firstSeen, lastSeen, createdAt, eventCounts, context, firstTouch, ...identity } = migrated;
        assert.deepEqual({ ...identity, createdAt: Date.parse(createdAt) }, sourceProfile, 'ids and traits');
        assert.deepEqual(
          { firstSeen: Date.parse(firstSeen), lastSeen: Date.parse(lastSeen), eventCounts, context, firstTouch },
          sourceActivity,
          'activity, computed from the migrated log, matches',
        );
        assert.equal((await server.timeline(migrated.personId)).length, 4);
        assert.equal((await server.admin('/api/stats')).body.drops.missing_id, 1);
        const again = await migrateInstallation({ from: embedded.dataDir, eventsUrl: target.eventsUrl!, stateUrl: target.stateUrl!, progress: false }).catch((e: Error) => e);
        assert.match(String(again), /not empty/);
      } finally {
        await server.close();
      }
    } finally {
      await target.cleanup();
    }
  });
});
