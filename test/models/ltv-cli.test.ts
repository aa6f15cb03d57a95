import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../src/core/prng.js';
import { DAY } from '../../src/core/units.js';
import { runCrumbtrail } from '../support/import.js';
import { ADMIN_TOKEN, startTestServer, testEnv, TEST_PAIR, type TestStores } from '../support/server.js';

/** `crumbtrail ltv …` as a child process, on these stores (the environment names the scale-out ones and the secrets). */
function cli(args: string[], stores: TestStores, { adminTokenInEnv = true } = {}) {
  const env: NodeJS.ProcessEnv = { ...testEnv(stores), CRUMBTRAIL_LOG_LEVEL: 'silent' };
  if (!adminTokenInEnv) delete env.CRUMBTRAIL_ADMIN_TOKEN;
  return runCrumbtrail(['ltv', ...args], env);
}

test(`crumbtrail ltv fit|show over HTTP with the admin token, and in-process on the data folder (${TEST_PAIR})`, async () => {
  const server = await startTestServer();
  const { stores } = server;
  try {
    const random = mulberry32(3);
    const batch = [];
    for (let c = 0; c < 60; c++) {
      let day = Date.UTC(2024, 0, 1) + Math.floor(random() * 30) * DAY;
      for (let n = 0; n < 1 + Math.floor(random() * 5); n++, day += (1 + Math.floor(random() * 40)) * DAY) {
        batch.push({ type: 'track', event: 'Order Completed', userId: `cust-${c}`, properties: { revenue: 10 + n }, timestamp: new Date(day).toISOString() });
      }
    }
    assert.equal((await server.send('/v1/batch', { batch })).status, 200);

    const noToken = await cli(['fit', '--url', server.url], stores, { adminTokenInEnv: false });
    assert.notEqual(noToken.code, 0);
    assert.match(noToken.stderr, /admin token/);

    const viaHttp = await cli(['fit', '--url', server.url, '--admin-token', ADMIN_TOKEN, '--calibration-end', '2024-06-30', '--json'], stores, { adminTokenInEnv: false });
    assert.equal(viaHttp.code, 0, viaHttp.stderr);
    const fitted = JSON.parse(viaHttp.stdout);
    assert.deepEqual([fitted.fit.model, fitted.fit.customers, fitted.fit.calibrationEnd], ['bgnbd', 60, '2024-06-30']);

    const bad = await cli(['fit', '--url', server.url, '--admin-token', ADMIN_TOKEN, '--event', 'Never Happened'], stores);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /CT_LTV_TOO_FEW_CUSTOMERS/);
  } finally {
    await server.close();
  }
  try {
    const shown = await cli(['show', '-d', stores.dataDir], stores);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^bgnbd on "Order Completed", unit week, calibration to 2024-06-30/);
    assert.match(shown.stdout, /customers 60/);

    const inProcess = await cli(['fit', '-d', stores.dataDir, '--model', 'paretonbd', '--unit', 'day', '--calibration-end', '2024-06-30', '--no-traits'], stores);
    assert.equal(inProcess.code, 0, inProcess.stderr);
    assert.match(inProcess.stdout, /^paretonbd on "Order Completed", unit day/);
    assert.match(inProcess.stdout, /computed traits written: 0/);
  } finally {
    await stores.cleanup();
  }
});
