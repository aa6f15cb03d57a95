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

/** The data folder's files (docs/operations.md describes the layout and how to back it up). */
export const DATA_FILES = {
  events: 'events.duckdb',
  state: 'state.sqlite',
  credentials: 'credentials.json',
  imports: 'imports',
} as const;

/** Open and migrate the embedded stores in the data folder. The only place that picks adapters. */
export async function openEmbeddedStores(dataDir: string): Promise<Stores> {
  fs.mkdirSync(dataDir, { recursive: true });
  let events: EventStore;
  try {
    events = await DuckDbEventStore.open(path.join(dataDir, DATA_FILES.events));
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
  const state = new SqliteStateStore(path.join(dataDir, DATA_FILES.state));
  await events.migrate();
  await state.migrate();
  return { events, state };
}
