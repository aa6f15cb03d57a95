import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/prng.js';
import { IdentityResolver } from '../../src/identity/resolve.js';
import { identityKey } from '../../src/store/state-store/identity-key.js';
import type { IdentityKey } from '../../src/store/state-store/port.js';
import { IdentityCache } from '../../src/store/state-store/sqlite/identity-cache.js';
import { SqliteStateStore } from '../../src/store/state-store/sqlite/state-store.js';
import { preparedEvent } from '../support/events.js';
import { tempDataDir } from '../support/server.js';

// Engine-specific (the embedded SQLite adapter's cache), so it runs the same under either engine pair.

describe('IdentityCache', () => {
  it('follows merges from a cached person to the survivor, through chains', () => {
    const cache = new IdentityCache(10);
    cache.set('anon:a', 'p1');
    cache.set('user:u', 'p2');
    cache.merged('p1', 'p2');
    assert.equal(cache.get('anon:a'), 'p2');
    cache.merged('p2', 'p3');
    assert.equal(cache.get('anon:a'), 'p3');
    assert.equal(cache.get('user:u'), 'p3');
    assert.equal(cache.get('anon:unknown'), undefined);
  });

  it('reads the survivor for keys set to an absorbed person, and for merges it learns before any key', () => {
    const cache = new IdentityCache(10);
    cache.merged('p1', 'p2'); // nothing cached pointed at p1 yet
    cache.set('anon:a', 'p1'); // a read that raced the merge: the survivor wins all the same
    assert.equal(cache.get('anon:a'), 'p2');
    cache.set('anon:b', 'p3');
    cache.merged('p2', 'p3');
    cache.merged('p3', 'p4');
    assert.deepEqual(['anon:a', 'anon:b', 'anon:a'].map((k) => cache.get(k as IdentityKey)), ['p4', 'p4', 'p4']);
    cache.merged('p4', 'p4'); // no cycle from a repeated or self merge
    cache.merged('p3', 'p4');
    assert.equal(cache.get('anon:b'), 'p4');
  });

  it('bounds the persons it remembers as well as the keys', () => {
    const cache = new IdentityCache(3);
    cache.set('anon:a', 'p1');
    cache.merged('p2', 'p3'); // p1, p2, p3: full
    cache.merged('p4', 'p5'); // starts over
    assert.equal(cache.get('anon:a'), undefined);
    cache.set('anon:c', 'p4');
    assert.equal(cache.get('anon:c'), 'p5');
  });

  it('starts over empty when full, rather than growing', () => {
    const cache = new IdentityCache(3);
    for (const key of ['anon:1', 'anon:2', 'anon:3'] as const) cache.set(key, 'p');
    assert.equal(cache.size, 3);
    cache.set('anon:4', 'q');
    assert.equal(cache.size, 1);
    assert.equal(cache.get('anon:1'), undefined);
    assert.equal(cache.get('anon:4'), 'q');
  });
});

describe('SQLite state: lookups through the identity cache', () => {
  it('answer exactly what a fresh connection reads, through random links and merges', async () => {
    const file = path.join(tempDataDir(), 'state.sqlite');
    const store = new SqliteStateStore(file);
    await store.migrate();
    const resolver = new IdentityResolver(6);
    const random = mulberry32(20261207);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const users = Array.from({ length: 25 }, (_, i) => `cu-${i}`);
    const devices = Array.from({ length: 250 }, (_, i) => `cd-${i}`);
    const keys: IdentityKey[] = [...users.map((u) => identityKey('user', u)), ...devices.map((d) => identityKey('anon', d))];
    let merges = 0;
    try {
      for (let seq = 1; seq <= 120; seq++) {
        const sessionUsers = [pick(users), pick(users)];
        const sessionDevices = [pick(devices), pick(devices), pick(devices)];
        const events = Array.from({ length: 1 + Math.floor(random() * 20) }, () => {
          const roll = random();
          if (roll < 0.4) return preparedEvent({ type: 'track', anonymousId: pick(sessionDevices), userId: null });
          if (roll < 0.85) return preparedEvent({ type: 'identify', event: null, anonymousId: pick(sessionDevices), userId: pick(sessionUsers) });
          return preparedEvent({ type: 'alias', event: null, anonymousId: null, previousId: pick([...sessionUsers, ...sessionDevices]), userId: pick(sessionUsers) });
        });
        // Warm the cache with every key before the batch, so stale entries would be there to be wrong.
        await store.lookupIdentities(keys);
        const outcome = await resolver.resolve(store, 'n1', seq, events);
        merges += outcome.merges.length;
        await store.applyBatch({ nodeId: 'n1', batchSeq: seq, newPersons: outcome.newPersons, links: outcome.links, merges: outcome.merges, profiles: [], drops: {} });
        if (seq % 30 === 0) {
          const fresh = new SqliteStateStore(file);
          try {
            await fresh.migrate();
            assert.deepEqual(await store.lookupIdentities(keys), await fresh.lookupIdentities(keys), `after batch ${seq}`);
          } finally {
            await fresh.close();
          }
        }
      }
      assert.ok(merges > 20, `the traffic merged persons (${merges} merges), so stale entries were possible`);
    } finally {
      await store.close();
    }
  });
});
