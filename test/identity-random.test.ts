import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLogger } from '../src/core/logger.js';
import { mulberry32 } from '../src/core/prng.js';
import { createRuntime } from '../src/server/runtime.js';
import { preparedEvent } from './support/events.js';
import { allocateTestStores, testConfig } from './support/server.js';


it('random identify/alias/track traffic in random batches: every batch resolves, every identity lands on a live person', async () => {
  const stores = await allocateTestStores();
  const runtime = await createRuntime(testConfig(stores, { maxMergesPerPerson: 6 }), { logger: createLogger('silent'), defaultMetrics: false });
  const random = mulberry32(20261123);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const users = Array.from({ length: 20 }, (_, i) => `ru-${i}`);
  const devices = Array.from({ length: 300 }, (_, i) => `rd-${i}`);
  let n = 0;
  try {
    for (let batch = 0; batch < 150; batch++) {
      // Each batch is a few visitors' sessions: the same devices and users meet inside one batch, where
      // people created, linked and merged earlier in the batch take part in later decisions.
      const sessionUsers = [pick(users), pick(users), pick(users)];
      const sessionDevices = [pick(devices), pick(devices), pick(devices)];
      const events = Array.from({ length: 1 + Math.floor(random() * 25) }, () => {
        const roll = random();
        const at = Date.UTC(2026, 0, 1) + n++ * 1000;
        const device = pick(sessionDevices);
        const user = pick(sessionUsers);
        if (roll < 0.35) return preparedEvent({ type: 'track', event: 'Browse', anonymousId: device, userId: null, timestamp: at });
        if (roll < 0.55) return preparedEvent({ type: 'track', event: 'Buy', anonymousId: null, userId: user, timestamp: at });
        if (roll < 0.9) return preparedEvent({ type: 'identify', event: null, anonymousId: device, userId: user, timestamp: at });
        return preparedEvent({ type: 'alias', event: null, anonymousId: null, previousId: pick([...sessionUsers, ...sessionDevices]), userId: user, timestamp: at });
      });
      const result = await runtime.ingestor.ingest(events, {});
      assert.equal(result.accepted, events.length, `batch ${batch}`);
    }
    for (const [lookup, value] of [...users.map((u) => ['userId', u] as const), ...devices.map((d) => ['anonymousId', d] as const)]) {
      const personId = await runtime.state.findPersonId(lookup === 'userId' ? { userId: value } : { anonymousId: value });
      if (personId === null) continue;
      const profile = await runtime.state.getProfile(personId);
      assert.equal(profile?.personId, personId, `${lookup}=${value} points at a live (not merged-away) person`);
      const ids = lookup === 'userId' ? profile.userIds : profile.anonymousIds;
      assert.ok(ids.includes(value), `${value} is listed on its person`);
    }
  } finally {
    await runtime.close();
    await stores.cleanup();
  }
});
