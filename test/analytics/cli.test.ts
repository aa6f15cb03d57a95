import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrumbtrail } from '../support/import.js';
import { ADMIN_TOKEN, testEnv } from '../support/server.js';
import { analyticsServer, track } from './support.js';

const FUNNEL = JSON.stringify({ steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }], window: '1d' });

test('crumbtrail query: against a running server (--url) and in-process on the stores', async () => {
  const s = await analyticsServer();
  try {
    await s.send([track('q1', 'Product Viewed', 0), track('q1', 'Order Completed', 1), track('q2', 'Product Viewed', 0)]);
    const remote = await runCrumbtrail(['query', 'funnel', '--json', FUNNEL, '--url', s.server.url, '--token', ADMIN_TOKEN]);
    assert.equal(remote.code, 0, remote.stderr);
    assert.deepEqual(JSON.parse(remote.stdout).steps.map((x: any) => x.count), [2, 1]);

    const bad = await runCrumbtrail(['query', 'funnel', '--json', '{"steps":[]}', '--url', s.server.url, '--token', ADMIN_TOKEN]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /400 CT_INVALID_ANALYTICS_QUERY/);
    const noToken = await runCrumbtrail(['query', 'funnel', '--json', FUNNEL, '--url', s.server.url]);
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /admin token/);

    // In-process: the stores must be free (DuckDB allows one process), so stop the server first.
    await s.server.close();
    const env = testEnv(s.server.stores);
    const local = await runCrumbtrail(['query', 'funnel', '--json', FUNNEL, '-d', s.server.dataDir], env);
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(JSON.parse(local.stdout).steps.map((x: any) => x.count), [2, 1]);
    const notJson = await runCrumbtrail(['query', 'funnel', '--json', '{steps', '-d', s.server.dataDir], env);
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /--json is not valid JSON/);
  } finally {
    await s.dispose();
  }
});
