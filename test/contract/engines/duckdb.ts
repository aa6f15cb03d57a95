import fs from 'node:fs';
import path from 'node:path';
import { DuckDbEventStore } from '../../../src/store/event-store/duckdb/event-store.js';
import { tempDataDir } from '../../support/server.js';
import type { EventStoreFixture } from '../event-store.contract.js';

export async function openDuckDbFixture(): Promise<EventStoreFixture> {
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
}
