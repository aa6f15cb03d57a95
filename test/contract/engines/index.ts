import type { EventStoreFixture } from '../event-store.contract.js';
import type { StateStoreFixture } from '../state-store.contract.js';
import { openDuckDbFixture } from './duckdb.js';
import { openPostgresFixture } from './postgres.js';
import { openSqliteFixture } from './sqlite.js';

/**
 * Adapters the contract suites run against. CRUMBTRAIL_TEST_ENGINES (comma-separated) selects them;
 * the default is the embedded pair. Scale-out adapters join this table when they land.
 */
export const EVENT_STORE_ENGINES: Record<string, () => Promise<EventStoreFixture>> = {
  duckdb: openDuckDbFixture,
};

export const STATE_STORE_ENGINES: Record<string, () => Promise<StateStoreFixture>> = {
  sqlite: openSqliteFixture,
  postgres: openPostgresFixture,
};

export function selectedEngines(): string[] {
  return (process.env.CRUMBTRAIL_TEST_ENGINES ?? 'duckdb,sqlite').split(',').map((s) => s.trim()).filter(Boolean);
}
