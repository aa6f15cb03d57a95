import { randomBytes } from 'node:crypto';
import { dropClickHouseDatabase } from '../../../src/store/event-store/clickhouse/admin.js';
import { ClickHouseEventStore } from '../../../src/store/event-store/clickhouse/event-store.js';
import type { EventStoreFixture } from '../event-store.contract.js';

/** scripts/ci/clickhouse.sh starts a server here; point CRUMBTRAIL_TEST_CLICKHOUSE_URL elsewhere to use another. */
const DEFAULT_URL = 'clickhouse://default@127.0.0.1:18123';

/** The test server URL with its database replaced (any path in the configured URL is dropped). */
function urlForDatabase(database: string): string {
  const url = new URL(process.env.CRUMBTRAIL_TEST_CLICKHOUSE_URL ?? DEFAULT_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database per fixture, dropped at cleanup, so suites never see each other's rows. */
export async function openClickHouseFixture(): Promise<EventStoreFixture> {
  const database = `ct_test_${randomBytes(6).toString('hex')}`;
  const url = urlForDatabase(database);
  const open = async () => {
    const opened = await ClickHouseEventStore.open(url);
    await opened.migrate();
    return opened;
  };
  let store = await open();
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await open();
      return store;
    },
    cleanup: async () => {
      await store.close();
      await dropClickHouseDatabase(url);
    },
  };
}
