import path from 'node:path';
import { DuckDbEventStore } from '../../src/store/event-store/duckdb/event-store.js';
import { tempDataDir } from './server.js';

/** A migrated DuckDB event log in a fresh folder for `run`, closed afterwards whatever happens. */
export async function withDuckDbStore(run: (store: DuckDbEventStore) => Promise<void>): Promise<void> {
  const store = await DuckDbEventStore.open(path.join(tempDataDir(), 'events.duckdb'));
  try {
    await store.migrate();
    await run(store);
  } finally {
    await store.close();
  }
}
