import fs from 'node:fs';
import path from 'node:path';
import { DuckDbEventStore } from '../store/event-store/duckdb/event-store.js';
import type { EventStore } from '../store/event-store/port.js';
import { SqliteStateStore } from '../store/state-store/sqlite/state-store.js';
import type { StateStore } from '../store/state-store/port.js';

export interface Stores {
  events: EventStore;
  state: StateStore;
}

export interface StoreLocations {
  dataDir: string;
  /** clickhouse://…; unset means the embedded DuckDB file. */
  eventsUrl?: string;
  /** postgres://…; unset means the embedded SQLite file. */
  stateUrl?: string;
  /** The embedded event store's memory while analytic queries run (config queryMemoryMb); its default otherwise. */
  queryMemoryMb?: number;
}

/** The data folder's files (docs/operations.md describes the layout and how to back it up). */
export const DATA_FILES = {
  events: 'events.duckdb',
  state: 'state.sqlite',
  credentials: 'credentials.json',
  imports: 'imports',
} as const;

async function openEmbeddedEvents(dataDir: string, queryMemoryMb: number | undefined): Promise<EventStore> {
  try {
    return await DuckDbEventStore.open(path.join(dataDir, DATA_FILES.events), { queryMemoryMb });
  } catch (error) {
    const message = (error as Error).message;
    if (/lock/i.test(message)) {
      throw new Error(
        `The data folder ${dataDir} is in use by another Crumbtrail process (DuckDB holds a lock on ${DATA_FILES.events}). ` +
          'Stop it, or send through it over HTTP (crumbtrail import --url).',
      );
    }
    throw error;
  }
}

/**
 * Open and migrate the stores: the embedded files in the data folder by default, ClickHouse / PostgreSQL when
 * their URLs are given. The only place that picks adapters; the scale-out clients load only when asked for.
 */
export async function openStores(locations: StoreLocations): Promise<Stores> {
  fs.mkdirSync(locations.dataDir, { recursive: true });
  const events = locations.eventsUrl
    ? await (await import('../store/event-store/clickhouse/event-store.js')).ClickHouseEventStore.open(locations.eventsUrl)
    : await openEmbeddedEvents(locations.dataDir, locations.queryMemoryMb);
  let state: StateStore;
  try {
    state = locations.stateUrl
      ? await (await import('../store/state-store/postgres/state-store.js')).PostgresStateStore.open(locations.stateUrl)
      : new SqliteStateStore(path.join(locations.dataDir, DATA_FILES.state));
    await events.migrate();
    await state.migrate();
  } catch (error) {
    await events.close();
    throw error;
  }
  return { events, state };
}
