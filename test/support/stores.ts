import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dropClickHouseDatabase } from '../../src/store/event-store/clickhouse/admin.js';

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

/** scripts/ci/clickhouse.sh and scripts/ci/postgres.sh start servers here; the environment may point elsewhere. */
const clickhouseBase = () => process.env.CRUMBTRAIL_TEST_CLICKHOUSE_URL ?? 'clickhouse://default@127.0.0.1:18123';
const postgresAdmin = () => process.env.CRUMBTRAIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:15432/postgres';

/** The test ClickHouse URL with its database replaced (any path in the configured URL is dropped). */
export function clickhouseUrlFor(database: string): string {
  const url = new URL(clickhouseBase());
  url.pathname = `/${database}`;
  return url.toString();
}

/** Run one statement on the test PostgreSQL server's admin database, saying how to start one when it is missing. */
export async function postgresStatement(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdmin(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The scale-out tests need a PostgreSQL server at ${postgresAdmin()} (set CRUMBTRAIL_TEST_POSTGRES_URL, or start one with ` +
        `bash scripts/ci/postgres.sh): ${(error as Error).message || (error as { code?: string }).code}`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test PostgreSQL server; its name and URL. */
export async function createPostgresDatabase(): Promise<{ name: string; url: string }> {
  const name = `ct_test_${randomBytes(6).toString('hex')}`;
  await postgresStatement(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdmin());
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Stores for one test server: a temp data folder, plus fresh databases on the scale-out pair. */
export async function allocateTestStores(): Promise<TestStores> {
  const dataDir = tempDataDir();
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (TEST_PAIR === 'embedded') return { dataDir, cleanup: async () => removeDir() };

  const state = await createPostgresDatabase();
  const eventsUrl = clickhouseUrlFor(state.name);
  return {
    dataDir,
    eventsUrl,
    stateUrl: state.url,
    cleanup: async () => {
      await dropClickHouseDatabase(eventsUrl);
      await postgresStatement(`DROP DATABASE IF EXISTS ${state.name} WITH (FORCE)`);
      removeDir();
    },
  };
}
