import type { Clock } from '../core/clock.js';
import { CrumbtrailError } from '../core/errors.js';
import type { PreparedEvent, StoredEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { sumDrops, type DropCounts } from '../collect/pipeline/pipeline.js';
import type { IdentityResolver } from '../identity/resolve.js';
import type { Metrics } from '../ops/metrics.js';
import { profileDeltas } from '../profiles/delta.js';
import type { EventStore } from '../store/event-store/port.js';
import type { StateBatch, StateStore } from '../store/state-store/port.js';
import { WriteBuffer, type BufferEntry, type EntryOutcome, type WriteBufferOptions } from './write-buffer.js';

/** The real-time stage (segments, journey triggers, …) receives every batch once it is durable. */
export type DurableBatchListener = (events: StoredEvent[]) => void | Promise<void>;

export interface IngestResult {
  accepted: number;
  dropped: number;
  drops: DropCounts;
}

export interface IngestorDeps {
  nodeId: string;
  events: EventStore;
  state: StateStore;
  identity: IdentityResolver;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** messageIds already in the event log within this window are duplicates. */
  dedupWindowMs: number;
  buffer: WriteBufferOptions;
}

/**
 * Makes prepared events durable: dedupe against the store → resolve identities → append to the event log, with
 * the state changes applied in one transaction (which moves this node's cursor) while the log commits → record
 * the batch's merges in the log's person aliases. A request is acknowledged only when all of it is done.
 *
 * The state transaction runs alongside the log's commit (DuckDB commits on its own threads) instead of after it,
 * so a crash or a failed write can leave either store ahead of the other; `recover()` repairs both before the
 * next batch. The event log ahead: its batches past the state's cursor are replayed. Person ids are derived
 * from (node, batch, identity), so the replay reproduces exactly the ids the log holds. The state ahead: it
 * holds links and persons for events that were never acknowledged (the client sends them again and they resolve
 * to the same persons), and merges the log's aliases may lack, which are copied over. The same copy mends
 * aliases when a crash fell between the append and recording the merges.
 */
export class Ingestor {
  private readonly buffer: WriteBuffer;
  private readonly listeners: DurableBatchListener[] = [];
  private nextSeq = 1;
  private needsRecovery = true;
  private lastLagSeconds = 0;

  constructor(private readonly deps: IngestorDeps) {
    this.buffer = new WriteBuffer((entries) => this.flush(entries), deps.buffer, (depth) => deps.metrics.bufferDepth.set(depth));
  }

  onDurableBatch(listener: DurableBatchListener): void {
    this.listeners.push(listener);
  }

  get bufferDepth(): number {
    return this.buffer.depth;
  }

  get ingestLagSeconds(): number {
    return this.lastLagSeconds;
  }

  /** Submit one request's events; resolves once they are durable. */
  async ingest(events: PreparedEvent[], drops: DropCounts): Promise<IngestResult> {
    const outcome = await this.buffer.submit({ events, drops });
    const allDrops = sumDrops(drops, { duplicate: outcome.duplicates });
    const dropped = Object.values(allDrops).reduce((sum, n) => sum + (n ?? 0), 0);
    return { accepted: events.length - outcome.duplicates, dropped, drops: allDrops };
  }

  /** Replay event-log batches the state store has not applied (after a crash or a failed state write). */
  recover(): Promise<number> {
    return this.deps.state.withIngestLock(() => this.recoverLocked());
  }

  private async recoverLocked(): Promise<number> {
    const { nodeId, events, state, identity, logger } = this.deps;
    const applied = await state.appliedBatchSeq(nodeId);
    let replayed = 0;
    for await (const batch of events.batchesAfter(nodeId, applied)) {
      const outcome = await identity.resolve(state, nodeId, batch.batchSeq, batch.events);
      const mismatched = outcome.personIds.filter((id, i) => id !== batch.events[i]!.personId).length;
      if (mismatched > 0) logger.warn({ batchSeq: batch.batchSeq, mismatched }, 'replayed batch resolved to other person ids');
      await events.recordMerges(outcome.merges);
      await state.applyBatch(this.stateBatch(batch.batchSeq, batch.events, outcome, {}));
      replayed++;
    }
    await this.copyMissingMerges();
    this.nextSeq = Math.max(await events.maxBatchSeq(nodeId), await state.appliedBatchSeq(nodeId)) + 1;
    this.needsRecovery = false;
    if (replayed > 0) logger.warn({ replayed }, 'replayed event-log batches into the state store');
    return replayed;
  }

  /** Give the event log's person aliases every merge the state store holds that they lack. */
  private async copyMissingMerges(): Promise<void> {
    const { events, state, clock, logger } = this.deps;
    const merges = await state.listMerges();
    if (merges.length === 0) return;
    const logged = new Map((await events.listAliases()).map((alias) => [alias.from, alias.to]));
    const at = clock.now();
    const missing = merges.filter((m) => logged.get(m.from) !== m.to).map((m) => ({ ...m, at }));
    if (missing.length === 0) return;
    await events.recordMerges(missing);
    logger.warn({ merges: missing.length }, 'copied merges the event log had missed into its person aliases');
  }

  /** Flush everything waiting, then refuse new work. */
  async close(): Promise<void> {
    await this.buffer.close();
  }

  /** Nodes sharing stores take turns: dedupe and identity decisions must see each other's batches. */
  private flush(entries: BufferEntry[]): Promise<EntryOutcome[]> {
    return this.deps.state.withIngestLock(() => this.flushLocked(entries));
  }

  private async flushLocked(entries: BufferEntry[]): Promise<EntryOutcome[]> {
    const { nodeId, events, state, identity, metrics, clock, logger } = this.deps;
    const started = clock.now();
    const endTimer = metrics.flushDuration.startTimer();
    let batchSeq = 0;
    let fresh: Awaited<ReturnType<Ingestor['dedupe']>>;
    let stored: StoredEvent[];
    try {
      if (this.needsRecovery) await this.recoverLocked();
      batchSeq = this.nextSeq++;
      fresh = await this.dedupe(entries);
      stored = fresh.kept as StoredEvent[];
      const outcome = await identity.resolve(state, nodeId, batchSeq, fresh.kept);
      for (let i = 0; i < stored.length; i++) {
        const e = stored[i]!;
        e.personId = outcome.personIds[i]!;
        e.nodeId = nodeId;
        e.batchSeq = batchSeq;
      }
      const drops = sumDrops(...entries.map((e) => e.drops), { duplicate: fresh.duplicates });
      const stateBatch = this.stateBatch(batchSeq, stored, outcome, drops);
      await events.append(stored, () => state.applyBatch(stateBatch));
      await events.recordMerges(outcome.merges);
      metrics.identityMergesRefused.inc({ guard: 'known_user_conflict' }, outcome.refused.knownUserConflict);
      metrics.identityMergesRefused.inc({ guard: 'merge_cap' }, outcome.refused.mergeCap);
      for (const [reason, n] of Object.entries(drops)) metrics.eventsDropped.inc({ reason }, n);
    } catch (error) {
      // Recovery runs before the next flush: log batches the state missed are replayed, merges the log missed copied.
      this.needsRecovery = true;
      logger.error({ err: error, batchSeq }, 'flush failed');
      throw new CrumbtrailError('CT_STORE_UNAVAILABLE', (error as Error).message);
    }
    metrics.eventsIngested.inc(stored.length);
    metrics.flushSize.observe(stored.length);
    endTimer();
    const oldest = Math.min(...entries.flatMap((e) => (e.events.length > 0 ? [e.events[0]!.receivedAt] : [started])));
    this.lastLagSeconds = (clock.now() - oldest) / 1000;
    metrics.ingestLag.set(this.lastLagSeconds);
    await this.notify(stored);
    return fresh.duplicatesPerEntry.map((duplicates) => ({ duplicates }));
  }

  /** Drop events whose messageId the event log already holds, or that appear earlier in this same batch. */
  private async dedupe(entries: BufferEntry[]) {
    const ids = entries.flatMap((entry) => entry.events.map((e) => e.messageId));
    const seen = await this.deps.events.seenMessageIds([...new Set(ids)], this.deps.clock.now() - this.deps.dedupWindowMs);
    const kept: PreparedEvent[] = [];
    let duplicates = 0;
    const duplicatesPerEntry = entries.map((entry) => {
      let entryDuplicates = 0;
      for (const event of entry.events) {
        if (seen.has(event.messageId)) {
          entryDuplicates++;
          continue;
        }
        seen.add(event.messageId);
        kept.push(event);
      }
      duplicates += entryDuplicates;
      return entryDuplicates;
    });
    return { kept, duplicates, duplicatesPerEntry };
  }

  private stateBatch(
    batchSeq: number,
    events: PreparedEvent[],
    outcome: Awaited<ReturnType<IdentityResolver['resolve']>>,
    drops: DropCounts,
  ): StateBatch {
    return {
      nodeId: this.deps.nodeId,
      batchSeq,
      newPersons: outcome.newPersons,
      links: outcome.links,
      merges: outcome.merges,
      profiles: profileDeltas(events, outcome.personIds),
      drops,
    };
  }

  private async notify(events: StoredEvent[]): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(events);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'durable-batch listener failed');
      }
    }
  }
}
