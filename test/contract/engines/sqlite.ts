import fs from 'node:fs';
import path from 'node:path';
import { SqliteStateStore } from '../../../src/store/state-store/sqlite/state-store.js';
import type { StateStore } from '../../../src/store/state-store/port.js';
import { tempDataDir } from '../../support/server.js';
import type { StateStoreFixture } from '../state-store.contract.js';

export async function openSqliteFixture(): Promise<StateStoreFixture> {
  const dirs = [tempDataDir()];
  const file = path.join(dirs[0]!, 'state.sqlite');
  const open = async (at: string) => {
    const opened = new SqliteStateStore(at);
    await opened.migrate();
    return opened;
  };
  let store = await open(file);
  const extra: StateStore[] = [];
  return {
    store,
    multiProcess: null,
    reopen: async () => {
      await store.close();
      store = await open(file);
      return store;
    },
    fresh: async () => {
      const dir = tempDataDir();
      dirs.push(dir);
      const created = await open(path.join(dir, 'state.sqlite'));
      extra.push(created);
      return created;
    },
    cleanup: async () => {
      await store.close();
      for (const s of extra) await s.close();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
