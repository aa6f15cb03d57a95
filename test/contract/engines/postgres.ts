import { PostgresStateStore } from '../../../src/store/state-store/postgres/state-store.js';
import type { StateStore } from '../../../src/store/state-store/port.js';
import type { StateStoreFixture } from '../state-store.contract.js';
import { createPostgresDatabase, postgresStatement } from '../../support/stores.js';
import { LOCK_CLASS } from '../../../src/store/state-store/postgres/locks.js';

async function openMigrated(url: string): Promise<PostgresStateStore> {
  const store = await PostgresStateStore.open(url);
  await store.migrate();
  return store;
}

/** Each fixture gets a database of its own, so the suite can run beside other test files on one server. */
export async function openPostgresFixture(): Promise<StateStoreFixture> {
  const main = await createPostgresDatabase();
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
      const db = await createPostgresDatabase();
      databases.push(db.name);
      return track(await openMigrated(db.url));
    },
    // Another process's handle: its own pool and sessions on the same database.
    multiProcess: async () => track(await openMigrated(main.url)),
    // What a network partition or a killed connection does to the lock holder: its session ends.
    loseIngestLock: () =>
      postgresStatement(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND classid = ${LOCK_CLASS.ingest} AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = '${main.name}')`,
      ),
    cleanup: async () => {
      for (const s of opened) await s.close();
      for (const name of databases) await postgresStatement(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
