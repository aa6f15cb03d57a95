import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStateStore } from '../../../src/store/state-store/postgres/state-store.js';
import type { StateStore } from '../../../src/store/state-store/port.js';
import type { StateStoreFixture } from '../state-store.contract.js';
import { LOCK_CLASS } from '../../../src/store/state-store/postgres/locks.js';

/** A server where the tests may create and drop databases (scripts/ci/postgres.sh starts one). */
const adminUrl = () => process.env.CRUMBTRAIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:15432/postgres';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The postgres contract suite needs a server at ${adminUrl()} (set CRUMBTRAIL_TEST_POSTGRES_URL, or start one with ` +
        `bash scripts/ci/postgres.sh): ${(error as Error).message || (error as { code?: string }).code}`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server; its URL. */
async function createDatabase(): Promise<{ name: string; url: string }> {
  const name = `ct_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function openMigrated(url: string): Promise<PostgresStateStore> {
  const store = await PostgresStateStore.open(url);
  await store.migrate();
  return store;
}

/** Each fixture gets a database of its own, so the suite can run beside other test files on one server. */
export async function openPostgresFixture(): Promise<StateStoreFixture> {
  const main = await createDatabase();
  const databases = [main.name];
  let store: StateStore = await openMigrated(main.url);
  // Every store handed out, so cleanup can close them even when a test failed before closing its own.
  const opened: StateStore[] = [store];
  const track = (s: StateStore) => {
    opened.push(s);
    return s;
  };
  return {
    store,
    reopen: async () => {
      await store.close();
      store = track(await openMigrated(main.url));
      return store;
    },
    fresh: async () => {
      const db = await createDatabase();
      databases.push(db.name);
      return track(await openMigrated(db.url));
    },
    // Another process's handle: its own pool and sessions on the same database.
    multiProcess: async () => track(await openMigrated(main.url)),
    // What a network partition or a killed connection does to the lock holder: its session ends.
    loseIngestLock: () =>
      admin(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND classid = ${LOCK_CLASS.ingest} AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = '${main.name}')`,
      ),
    cleanup: async () => {
      for (const s of opened) await s.close();
      for (const name of databases) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
