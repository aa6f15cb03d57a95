import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type ConfigOverrides } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { startServer, type RunningServer } from '../../src/server/runtime.js';
import type { Clock } from '../../src/core/clock.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const WRITE_KEY = 'test-write-key-0123456789';

/** A fresh data folder under the OS temp dir; removed by the caller's cleanup. */
export function tempDataDir(prefix = 'crumbtrail-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer extends RunningServer {
  dataDir: string;
  /** fetch relative to the server with the write key (Basic auth). */
  send(pathname: string, body: unknown, init?: RequestInit): Promise<Response>;
  /** GET with the admin token, parsed JSON. */
  admin<T = any>(pathname: string): Promise<{ status: number; body: T }>;
  /** The profile found by a lookup query (`userId=…`), asserting it exists. */
  person(query: string): Promise<any>;
  /** A person's timeline, newest first (up to 1000 events). */
  timeline(personId: string): Promise<any[]>;
  /** Close the server and remove its data folder. */
  dispose(): Promise<void>;
}

/** Start a real server (real DuckDB + SQLite files) on a random loopback port. */
export async function startTestServer(
  options: { dataDir?: string; clock?: Clock; config?: ConfigOverrides } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = loadConfig(
    { port: 0, host: '127.0.0.1', dataDir, adminToken: ADMIN_TOKEN, writeKey: WRITE_KEY, logLevel: 'silent', ...options.config },
    {},
  );
  const server = await startServer(config, { clock: options.clock, logger: createLogger('silent'), defaultMetrics: false });
  const admin = async (pathname: string) => {
    const res = await fetch(server.url + pathname, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: res.status, body: await res.json() };
  };
  const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
  return {
    ...server,
    dataDir,
    send: (pathname, body, init = {}) =>
      fetch(server.url + pathname, {
        method: 'POST',
        ...init,
        headers: { 'content-type': 'application/json', authorization: basic, ...(init.headers ?? {}) },
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    admin,
    person: async (query) => {
      const res = await admin(`/api/people?${query}`);
      assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    timeline: async (personId) => (await admin(`/api/people/${personId}/events?limit=1000`)).body.events,
    dispose: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
