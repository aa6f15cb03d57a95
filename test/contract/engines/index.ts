import type { EventStoreFixture } from '../event-store.contract.js';
import type { StateStoreFixture } from '../state-store.contract.js';
import { openClickHouseFixture } from './clickhouse.js';
import { openDuckDbFixture } from './duckdb.js';
import { openPostgresFixture } from './postgres.js';
import { openSqliteFixture } from './sqlite.js';

/**
 * Adapters the contract suites run against. CRUMBTRAIL_TEST_ENGINES (comma-separated) selects them;
 * scripts/run-tests.mjs sets it per engine pair.
 */
export const EVENT_STORE_ENGINES: Record<string, () => Promise<EventStoreFixture>> = {
  duckdb: openDuckDbFixture,
  clickhouse: openClickHouseFixture,
};

export const STATE_STORE_ENGINES: Record<string, () => Promise<StateStoreFixture>> = {
  sqlite: openSqliteFixture,
  postgres: openPostgresFixture,
};

export function selectedEngines(): string[] {
  return (process.env.CRUMBTRAIL_TEST_ENGINES ?? 'duckdb,sqlite').split(',').map((s) => s.trim()).filter(Boolean);
}
