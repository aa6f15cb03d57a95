import assert from 'node:assert/strict';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig, type Config, type ConfigOverrides } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { startServer, type RunningServer } from '../../src/server/runtime.js';
import { allocateTestStores, type TestStores } from './stores.js';

export { tempDataDir, allocateTestStores, TEST_PAIR, type TestStores } from './stores.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const WRITE_KEY = 'test-write-key-0123456789';

/** A validated config for these stores, with the test secrets and silent logs. */
export function testConfig(stores: TestStores, overrides: ConfigOverrides = {}): Config {
  return loadConfig(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: stores.dataDir,
      eventsUrl: stores.eventsUrl,
      stateUrl: stores.stateUrl,
      adminToken: ADMIN_TOKEN,
      writeKey: WRITE_KEY,
      logLevel: 'silent',
      // Tracking bodies go through a real collect worker thread in every server test (production's default on two
      // cores prepares them on the event loop: the same prepareBody, tested without a thread in test/collect).
      collectWorkers: 1,
      ...overrides,
    },
    {},
  );
}

/** Environment for a child `crumbtrail start` on these stores. */
export function testEnv(stores: TestStores): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CRUMBTRAIL_ADMIN_TOKEN: ADMIN_TOKEN,
    CRUMBTRAIL_WRITE_KEY: WRITE_KEY,
    CRUMBTRAIL_LOG_LEVEL: 'warn',
    ...(stores.eventsUrl ? { CRUMBTRAIL_EVENTS_URL: stores.eventsUrl } : {}),
    ...(stores.stateUrl ? { CRUMBTRAIL_STATE_URL: stores.stateUrl } : {}),
  };
}

export interface TestServer extends RunningServer {
  dataDir: string;
  stores: TestStores;
  /** fetch relative to the server with the write key (Basic auth). */
  send(pathname: string, body: unknown, init?: RequestInit): Promise<Response>;
  /** GET with the admin token, parsed JSON. */
  admin<T = any>(pathname: string): Promise<{ status: number; body: T }>;
  /** POST a JSON body with the admin token, parsed JSON. */
  adminPost<T = any>(pathname: string, body: unknown): Promise<{ status: number; body: T }>;
  /** The profile found by a lookup query (`userId=…`), asserting it exists. */
  person(query: string): Promise<any>;
  /** A person's timeline, newest first (up to 1000 events). */
  timeline(personId: string): Promise<any[]>;
  /** Close the server, drop its databases and remove its data folder. */
  dispose(): Promise<void>;
}

/** Start a real server on the selected engine pair, on a random loopback port. */
export async function startTestServer(
  options: { stores?: TestStores; clock?: Clock; config?: ConfigOverrides } = {},
): Promise<TestServer> {
  const stores = options.stores ?? (await allocateTestStores());
  const server = await startServer(testConfig(stores, options.config), {
    clock: options.clock,
    logger: createLogger('silent'),
    defaultMetrics: false,
  });
  const admin = async (pathname: string) => {
    const res = await fetch(server.url + pathname, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: res.status, body: await res.json() };
  };
  const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
  return {
    ...server,
    dataDir: stores.dataDir,
    stores,
    send: (pathname, body, init = {}) =>
      fetch(server.url + pathname, {
        method: 'POST',
        ...init,
        headers: { 'content-type': 'application/json', authorization: basic, ...(init.headers ?? {}) },
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    admin,
    adminPost: async (pathname, body) => {
      const res = await fetch(server.url + pathname, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    person: async (query) => {
      const res = await admin(`/api/people?${query}`);
      assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    timeline: async (personId) => (await admin(`/api/people/${personId}/events?limit=1000`)).body.events,
    dispose: async () => {
      await server.close();
      await stores.cleanup();
    },
  };
}
