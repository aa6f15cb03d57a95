import fs from 'node:fs';
import path from 'node:path';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { SqliteStateStore } from '../../src/store/state-store/sqlite/state-store.js';
import { tempDataDir } from '../support/server.js';
import type { EventStoreFixture } from './event-store.contract.js';
import type { StateStoreFixture } from './state-store.contract.js';

/**
 * Adapters the contract suites run against. CRUMBTRAIL_TEST_ENGINES (comma-separated) selects them;
 * the default is the embedded pair. Scale-out adapters join this table when they land.
 */
export const EVENT_STORE_ENGINES: Record<string, () => Promise<EventStoreFixture>> = {
  duckdb: async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'events.duckdb');
    let store = await DuckDbEventStore.open(file);
    await store.migrate();
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await DuckDbEventStore.open(file);
        await store.migrate();
        return store;
      },
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const STATE_STORE_ENGINES: Record<string, () => Promise<StateStoreFixture>> = {
  sqlite: async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'state.sqlite');
    let store = new SqliteStateStore(file);
    await store.migrate();
    return {
      store,
      reopen: async () => {
        await store.close();
        store = new SqliteStateStore(file);
        await store.migrate();
        return store;
      },
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export function selectedEngines(): string[] {
  return (process.env.CRUMBTRAIL_TEST_ENGINES ?? 'duckdb,sqlite').split(',').map((s) => s.trim()).filter(Boolean);
}
