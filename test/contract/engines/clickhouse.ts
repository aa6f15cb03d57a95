import { randomBytes } from 'node:crypto';
import { dropClickHouseDatabase } from '../../../src/store/event-store/clickhouse/admin.js';
import { ClickHouseEventStore } from '../../../src/store/event-store/clickhouse/event-store.js';
import type { EventStoreFixture } from '../event-store.contract.js';
import { clickhouseUrlFor } from '../../support/stores.js';

/** A fresh database per fixture, dropped at cleanup, so suites never see each other's rows. */
export async function openClickHouseFixture(): Promise<EventStoreFixture> {
  const database = `ct_test_${randomBytes(6).toString('hex')}`;
  const url = clickhouseUrlFor(database);
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
