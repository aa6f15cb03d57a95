import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STATE_TABLES, type ProfileDelta, type StateBatch, type StateStore } from '../../src/store/state-store/port.js';

export interface StateStoreFixture {
  store: StateStore;
  reopen(): Promise<StateStore>;
  /** An empty store of the same engine (a migration target). */
  fresh(): Promise<StateStore>;
  /**
   * A second handle on the same storage, as another process would hold it; null for engines one process owns
   * (the node-claim and ingest-lock tests are then named skips).
   */
  multiProcess: (() => Promise<StateStore>) | null;
  /** End the session holding the ingest lock, as a dead connection would (multi-process engines only). */
  loseIngestLock?: () => Promise<void>;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);

function batch(seq: number, parts: Partial<StateBatch>): StateBatch {
  return { nodeId: 'n1', batchSeq: seq, newPersons: [], links: [], merges: [], profiles: [], drops: {}, ...parts };
}

function delta(personId: string, parts: Partial<ProfileDelta> = {}): ProfileDelta {
  return { personId, traits: {}, ...parts };
}

/** The contract every StateStore adapter passes. */
export function stateStoreContract(engine: string, open: () => Promise<StateStoreFixture>): void {
  describe(`StateStore contract: ${engine}`, () => {
    let fixture: StateStoreFixture;
    let store: StateStore;
    before(async () => {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => fixture.cleanup());

    it('migrates idempotently and reports health', async () => {
      await store.migrate();
      assert.deepEqual(await store.health(), { engine, ok: true });
    });

    it('stores sources and finds them by write key', async () => {
      await store.upsertSource({ sourceId: 's1', name: 'Web', writeKey: 'wk-1', createdAt: T0 });
      await store.upsertSource({ sourceId: 's1', name: 'Web shop', writeKey: 'wk-2', createdAt: T0 });
      assert.equal(await store.findSourceByWriteKey('wk-1'), null);
      assert.deepEqual(await store.findSourceByWriteKey('wk-2'), { sourceId: 's1', name: 'Web shop', writeKey: 'wk-2', createdAt: T0 });
    });

    it('applies a batch atomically: persons, links, traits in order, drops, cursor', async () => {
      assert.equal(await store.appliedBatchSeq('n1'), 0);
      await store.applyBatch(
        batch(1, {
          newPersons: [{ personId: 'p1', createdAt: T0 }],
          links: [
            { key: 'anon:a1', personId: 'p1', at: T0 },
            { key: 'user:u1', personId: 'p1', at: T0 },
          ],
          profiles: [
            delta('p1', { traits: { email: 'Ann@Example.com', plan: 'free' } }),
            delta('p1', { traits: { plan: 'pro' } }),
          ],
          drops: { missing_id: 2, duplicate: 1 },
        }),
      );
      assert.equal(await store.appliedBatchSeq('n1'), 1);
      assert.deepEqual(Object.fromEntries(await store.lookupIdentities(['anon:a1', 'user:u1', 'user:nobody'])), {
        'anon:a1': 'p1',
        'user:u1': 'p1',
      });
      assert.deepEqual(Object.fromEntries(await store.lookupPersons(['p1', 'missing'])), {
        p1: { personId: 'p1', userIds: ['u1'], mergeCount: 0 },
      });
      const profile = await store.getProfile('p1');
      assert.deepEqual(profile, {
        personId: 'p1',
        userIds: ['u1'],
        anonymousIds: ['a1'],
        mergedPersonIds: [],
        email: 'ann@example.com',
        traits: { email: 'Ann@Example.com', plan: 'pro' },
        computedTraits: {},
        createdAt: T0,
      });
      assert.equal(await store.findPersonId({ userId: 'u1' }), 'p1');
      assert.equal(await store.findPersonId({ anonymousId: 'a1' }), 'p1');
      assert.equal(await store.findPersonId({ email: ' ANN@example.com ' }), 'p1');
      assert.equal(await store.findPersonId({ userId: 'nobody' }), null);
      assert.deepEqual(await store.stats(), { people: 1, drops: { duplicate: 1, missing_id: 2 } });
    });

    it('merges a person: identities and traits move; the old id resolves to the survivor', async () => {
      await store.applyBatch(
        batch(2, {
          newPersons: [{ personId: 'p2', createdAt: T0 + 10_000 }],
          links: [{ key: 'anon:a2', personId: 'p2', at: T0 + 10_000 }],
          profiles: [
            delta('p2', { traits: { plan: 'free', company: 'Acme', email: 'ann.before.login@example.com' } }),
          ],
        }),
      );
      await store.applyBatch(batch(3, { merges: [{ from: 'p2', to: 'p1', at: T0 + 20_000 }] }));
      const merged = await store.getProfile('p2');
      assert.ok(merged);
      assert.equal(merged.personId, 'p1');
      assert.deepEqual(merged.anonymousIds.sort(), ['a1', 'a2']);
      assert.deepEqual(merged.mergedPersonIds, ['p2']);
      assert.deepEqual(merged.traits, { email: 'Ann@Example.com', plan: 'pro', company: 'Acme' }, 'survivor traits win, gaps filled');
      assert.equal(merged.email, 'ann@example.com', "the survivor's email stays");
      assert.equal(await store.findPersonId({ email: 'ann.before.login@example.com' }), null, 'a merged-away email no longer finds anyone');
      assert.equal(await store.findPersonId({ anonymousId: 'a2' }), 'p1');
      assert.deepEqual(Object.fromEntries(await store.lookupPersons(['p1', 'p2'])), {
        p1: { personId: 'p1', userIds: ['u1'], mergeCount: 1 },
      });
      assert.equal((await store.stats()).people, 1);
    });

    it('flattens chains of merges so every old id resolves in one step', async () => {
      await store.applyBatch(
        batch(4, {
          newPersons: [{ personId: 'p3', createdAt: T0 }],
          links: [{ key: 'user:u3', personId: 'p3', at: T0 }],
          profiles: [delta('p3')],
          merges: [{ from: 'p1', to: 'p3', at: T0 + 30_000 }],
        }),
      );
      const profile = await store.getProfile('p2');
      assert.equal(profile?.personId, 'p3');
      assert.deepEqual(profile?.mergedPersonIds, ['p1', 'p2']);
      assert.deepEqual(profile?.userIds.sort(), ['u1', 'u3']);
      assert.deepEqual(await store.listMerges(), [
        { from: 'p1', to: 'p3' },
        { from: 'p2', to: 'p3' },
      ]);
    });

    it('keeps computed traits apart from identify traits, merging keys onto the canonical person', async () => {
      const identifyTraits = (await store.getProfile('p3'))?.traits;
      await store.setComputedTraits([{ personId: 'p3', traits: { ltvTier: 'high', pAlive: 0.9, rfm: { r: 5, f: 4 } } }], T0 + 40_000);
      // p2 was merged into p1 and p1 into p3: the row lands on p3. Unknown persons are ignored.
      await store.setComputedTraits(
        [
          { personId: 'p2', traits: { pAlive: 0.5, lifecycleStage: 'active' } },
          { personId: 'nobody', traits: { ltvTier: 'low' } },
        ],
        T0 + 50_000,
      );
      const profile = await store.getProfile('p1');
      assert.equal(profile?.personId, 'p3');
      assert.deepEqual(profile?.computedTraits, { ltvTier: 'high', pAlive: 0.5, rfm: { r: 5, f: 4 }, lifecycleStage: 'active' });
      assert.deepEqual(profile?.traits, identifyTraits, 'identify traits untouched');
      await store.applyBatch(batch(5, { profiles: [delta('p3', { traits: { pAlive: 'identify value' } })] }));
      const after = await store.getProfile('p3');
      assert.deepEqual(after?.traits, { ...identifyTraits, pAlive: 'identify value' });
      assert.equal(after?.computedTraits.pAlive, 0.5, 'neither overwrites the other');
      assert.equal(await store.appliedBatchSeq('n1'), 5);
      assert.equal(await store.getProfile('nobody'), null);
    });

    it('writes computed traits for many rows in one call, later rows winning', async () => {
      const rows = Array.from({ length: 12_001 }, (_, i) => ({ personId: i % 2 === 0 ? 'p3' : 'p2', traits: { counter: i, [`k${i % 3}`]: i } }));
      await store.setComputedTraits(rows, T0 + 60_000);
      const profile = await store.getProfile('p3');
      assert.equal(profile?.computedTraits.counter, 12_000);
      assert.deepEqual([profile?.computedTraits.k0, profile?.computedTraits.k1, profile?.computedTraits.k2], [12_000, 11_998, 11_999]);
      assert.equal(profile?.computedTraits.ltvTier, 'high', 'keys not given stay');
      await store.setComputedTraits([], T0);
    });

    it('takes two computed-trait writes at once over the same people in opposite orders (no deadlock)', async () => {
      // Both scheduled jobs (LTV scores, analytics traits) write traits for the same people, possibly at once.
      const target = await fixture.fresh();
      const people = Array.from({ length: 12_000 }, (_, i) => `q${String(i).padStart(5, '0')}`);
      await target.applyBatch(batch(1, { newPersons: people.map((personId) => ({ personId, createdAt: T0 })) }));
      const rows = (key: string) => people.map((personId, i) => ({ personId, traits: { [key]: i } }));
      await Promise.all([target.setComputedTraits(rows('ltv'), T0), target.setComputedTraits(rows('stage').reverse(), T0)]);
      assert.deepEqual((await target.getProfile('q11999'))?.computedTraits, { ltv: 11_999, stage: 11_999 });
    });

    it('rolls back a failing batch entirely', async () => {
      await assert.rejects(
        store.applyBatch(
          batch(6, {
            newPersons: [{ personId: 'p-rollback', createdAt: T0 }],
            profiles: [delta('p-does-not-exist')],
          }),
        ),
      );
      assert.equal(await store.appliedBatchSeq('n1'), 5);
      assert.equal(await store.getProfile('p-rollback'), null);
    });

    it('exports every table and imports it into an empty store unchanged', async () => {
      const target = await fixture.fresh();
      for (const table of STATE_TABLES) {
        for await (const page of store.exportTable(table, 2)) {
          assert.ok(page.length <= 2);
          await target.importRows(table, page);
        }
      }
      assert.deepEqual(await target.countRows(), await store.countRows());
      for (const table of STATE_TABLES) {
        const all = async (s: StateStore) => {
          const rows: unknown[] = [];
          for await (const page of s.exportTable(table, 1000)) rows.push(...page);
          return rows;
        };
        assert.deepEqual(await all(target), await all(store), table);
      }
      assert.deepEqual(await target.getProfile('p2'), await store.getProfile('p2'));
      assert.equal((await store.countRows()).persons, 3, 'p1, p2 and p3 (the rolled-back person is not there)');
    });

    it('lets only one live process claim a node id', async (t) => {
      if (!fixture.multiProcess) return t.skip(`${engine}: one process owns the storage, so node ids cannot collide`);
      const other = await fixture.multiProcess();
      const release = await store.claimNode('node-claim-test');
      await assert.rejects(other.claimNode('node-claim-test'), /node-claim-test/);
      await release();
      const releaseOther = await other.claimNode('node-claim-test');
      await releaseOther();
      await other.close();
    });

    it('serialises flushes of different processes under the ingest lock', async (t) => {
      if (!fixture.multiProcess) return t.skip(`${engine}: one process owns the storage, flushes are already serial`);
      const other = await fixture.multiProcess();
      const order: string[] = [];
      let releaseFirst!: () => void;
      const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstEntered!: () => void;
      const entered = new Promise<void>((resolve) => (firstEntered = resolve));
      const first = store.withIngestLock(async () => {
        order.push('first:start');
        firstEntered();
        await firstHolds;
        order.push('first:end');
      });
      await entered;
      const second = other.withIngestLock(async () => {
        order.push('second');
      });
      // The second process must still be waiting: give it every chance to run before releasing the first.
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      releaseFirst();
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first:start', 'first:end', 'second']);
      await other.close();
    });

    it('refuses to commit a batch once another process took over a lost ingest lock (fencing)', async (t) => {
      if (!fixture.multiProcess || !fixture.loseIngestLock) return t.skip(`${engine}: one process owns the storage, the lock cannot be lost to another`);
      const other = await fixture.multiProcess();
      const seq = (await store.appliedBatchSeq('n1')) + 1;
      await store.withIngestLock(async () => {
        await fixture.loseIngestLock!();
        await other.withIngestLock(async () => {});
        await assert.rejects(
          store.applyBatch(batch(seq, { newPersons: [{ personId: 'p-fenced', createdAt: T0 }] })),
          /ingest lock was lost/,
        );
      });
      assert.equal(await store.getProfile('p-fenced'), null, 'nothing of the fenced batch was committed');
      assert.equal(await store.appliedBatchSeq('n1'), seq - 1);
      await other.close();
    });

    it('keeps state across a reopen', async () => {
      store = await fixture.reopen();
      assert.equal(await store.appliedBatchSeq('n1'), 5);
      assert.equal(await store.findPersonId({ userId: 'u1' }), 'p3');
      assert.equal((await store.getProfile('p3'))?.computedTraits.ltvTier, 'high');
    });
  });
}
