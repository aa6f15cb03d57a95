import { describe, it } from 'node:test';
import { EVENT_STORE_ENGINES, STATE_STORE_ENGINES, selectedEngines } from './engines/index.js';
import { eventStoreContract } from './event-store.contract.js';
import { stateStoreContract } from './state-store.contract.js';

for (const engine of selectedEngines()) {
  const events = EVENT_STORE_ENGINES[engine];
  const state = STATE_STORE_ENGINES[engine];
  if (events) eventStoreContract(engine, events);
  if (state) stateStoreContract(engine, state);
  if (!events && !state) describe(`store contract: ${engine}`, () => it(`is not available: no adapter named "${engine}" in this build`, { skip: true }));
}
