import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Which engine pair the suite runs on: `embedded` (DuckDB + SQLite, the default) or `scaleout`
 * (ClickHouse + PostgreSQL from CRUMBTRAIL_TEST_CLICKHOUSE_URL / CRUMBTRAIL_TEST_POSTGRES_URL).
 * scripts/run-tests.mjs runs the whole suite once per available pair.
 */
export const TEST_PAIR = process.env.CRUMBTRAIL_TEST_PAIR === 'scaleout' ? 'scaleout' : 'embedded';

export interface TestStores {
  dataDir: string;
  eventsUrl?: string;
  stateUrl?: string;
  /** Drop the databases and remove the data folder. */
  cleanup(): Promise<void>;
}

/** A fresh data folder under the OS temp dir; removed by the caller's cleanup. */
export function tempDataDir(prefix = 'crumbtrail-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const clickhouseBase = () => process.env.CRUMBTRAIL_TEST_CLICKHOUSE_URL ?? 'clickhouse://default@127.0.0.1:18123';
const postgresAdmin = () => process.env.CRUMBTRAIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:15432/postgres';

/** Run one statement on the test ClickHouse over its plain HTTP interface (setup only, not product code). */
async function clickhouseStatement(sql: string): Promise<void> {
  const base = new URL(clickhouseBase());
  const http = `${base.protocol === 'clickhouses:' ? 'https' : 'http'}://${base.host}/`;
  const res = await fetch(http, {
    method: 'POST',
    body: sql,
    headers: { 'X-ClickHouse-User': decodeURIComponent(base.username || 'default'), 'X-ClickHouse-Key': decodeURIComponent(base.password) },
  });
  if (!res.ok) throw new Error(`ClickHouse: ${sql}: ${await res.text()}`);
}

async function postgresStatement(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdmin() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Stores for one test server: a temp data folder, plus fresh databases on the scale-out pair. */
export async function allocateTestStores(): Promise<TestStores> {
  const dataDir = tempDataDir();
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (TEST_PAIR === 'embedded') return { dataDir, cleanup: async () => removeDir() };

  const name = `ct_test_${randomBytes(6).toString('hex')}`;
  await postgresStatement(`CREATE DATABASE ${name}`);
  const events = new URL(clickhouseBase());
  events.pathname = `/${name}`;
  const state = new URL(postgresAdmin());
  state.pathname = `/${name}`;
  return {
    dataDir,
    eventsUrl: events.toString(),
    stateUrl: state.toString(),
    cleanup: async () => {
      await clickhouseStatement(`DROP DATABASE IF EXISTS ${name}`);
      await postgresStatement(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      removeDir();
    },
  };
}
