import type { Clock } from '../core/clock.js';
import { CrumbtrailError } from '../core/errors.js';
import type { IdentityFacts, PreparedEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { sumDrops, type DropCounts } from '../collect/pipeline/pipeline.js';
import type { IdentityResolver } from '../identity/resolve.js';
import type { Metrics } from '../ops/metrics.js';
import { profileDeltas } from '../profiles/delta.js';
import { selectRows } from '../store/event-store/encoded/chunk.js';
import { EventBatch, type BatchPart } from '../store/event-store/encoded/event-batch.js';
import type { EventStore } from '../store/event-store/port.js';
import type { StateBatch, StateStore } from '../store/state-store/port.js';
import { encodeRequest, identityFacts, type EncodedRequest } from './encoded-request.js';
import { WriteBuffer, type BufferEntry, type EntryOutcome, type WriteBufferOptions } from './write-buffer.js';

/**
 * The real-time stage (segments, journey triggers, …) receives every batch once it is durable; `batch.events()`
 * decodes it into event objects (only when a listener asks).
 */
export type DurableBatchListener = (batch: EventBatch) => void | Promise<void>;

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

  /** Submit one request's events, encoded by a collect worker; resolves once they are durable. */
  async ingestEncoded(request: EncodedRequest, sourceId: string, drops: DropCounts): Promise<IngestResult> {
    const outcome = await this.buffer.submit({ request, sourceId, drops });
    const allDrops = sumDrops(drops, { duplicate: outcome.duplicates });
    const dropped = Object.values(allDrops).reduce((sum, n) => sum + (n ?? 0), 0);
    return { accepted: request.count - outcome.duplicates, dropped, drops: allDrops };
  }

  /** Submit events prepared on this thread (one source's), as one request; resolves once they are durable. */
  async ingest(events: PreparedEvent[], drops: DropCounts): Promise<IngestResult> {
    const sourceId = events[0]?.sourceId ?? '';
    if (events.some((e) => e.sourceId !== sourceId)) throw new Error('one request holds the events of one source');
    return this.ingestEncoded(encodeRequest(events, events[0]?.receivedAt ?? this.deps.clock.now()), sourceId, drops);
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

  /** Runs one phase of a flush under the crumbtrail_flush_phase_seconds histogram. */
  private async timed<T>(phase: 'dedupe' | 'identity' | 'append' | 'merges' | 'listeners', work: () => Promise<T>): Promise<T> {
    const end = this.deps.metrics.flushPhase.startTimer({ phase });
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** Nodes sharing stores take turns: dedupe and identity decisions must see each other's batches. */
  private flush(entries: BufferEntry[]): Promise<EntryOutcome[]> {
    return this.deps.state.withIngestLock(() => this.flushLocked(entries));
  }

  private async flushLocked(entries: BufferEntry[]): Promise<EntryOutcome[]> {
    const { metrics, clock, logger } = this.deps;
    const started = clock.now();
    const endTimer = metrics.flushDuration.startTimer();
    let batchSeq = 0;
    let written: Awaited<ReturnType<Ingestor['write']>>;
    try {
      if (this.needsRecovery) await this.recoverLocked();
      batchSeq = this.nextSeq++;
      written = await this.write(entries, batchSeq);
    } catch (error) {
      // Recovery runs before the next flush: log batches the state missed are replayed, merges the log missed copied.
      this.needsRecovery = true;
      logger.error({ err: error, batchSeq }, 'flush failed');
      throw new CrumbtrailError('CT_STORE_UNAVAILABLE', (error as Error).message);
    }
    const { batch, duplicatesPerEntry } = written;
    metrics.eventsIngested.inc(batch.count);
    metrics.flushSize.observe(batch.count);
    endTimer();
    const oldest = Math.min(...entries.map((e) => (e.request.count > 0 ? e.request.receivedAt : started)));
    this.lastLagSeconds = (clock.now() - oldest) / 1000;
    metrics.ingestLag.set(this.lastLagSeconds);
    await this.timed('listeners', () => this.notify(batch));
    return duplicatesPerEntry.map((duplicates) => ({ duplicates }));
  }

  /** One batch made durable: dedupe → identity → the log's append with the state alongside → the merges. */
  private async write(entries: BufferEntry[], batchSeq: number) {
    const { nodeId, events, state, identity, metrics } = this.deps;
    events.prepareAppend?.(); // the log's transaction opens while dedupe and identity decide the rows
    const fresh = await this.timed('dedupe', () => this.dedupe(entries));
    const outcome = await this.timed('identity', () => identity.resolve(state, nodeId, batchSeq, fresh.facts));
    const batch = EventBatch.fromParts(batchParts(entries, fresh.kept, outcome.personIds, nodeId, batchSeq), fresh.messageIds);
    const drops = sumDrops(...entries.map((e) => e.drops), { duplicate: fresh.duplicates });
    const stateBatch = this.stateBatch(batchSeq, fresh.facts, outcome, drops);
    await this.timed('append', () => events.append(batch, () => state.applyBatch(stateBatch)));
    await this.timed('merges', () => events.recordMerges(outcome.merges));
    metrics.identityMergesRefused.inc({ guard: 'known_user_conflict' }, outcome.refused.knownUserConflict);
    metrics.identityMergesRefused.inc({ guard: 'merge_cap' }, outcome.refused.mergeCap);
    for (const [reason, n] of Object.entries(drops)) metrics.eventsDropped.inc({ reason }, n);
    return { batch, duplicatesPerEntry: fresh.duplicatesPerEntry };
  }

  /**
   * Drop events whose messageId the event log already holds, or that appear earlier in this same batch. Returns,
   * per entry, the rows kept (null: all of them), and the kept events' ids and facts in batch order.
   */
  private async dedupe(entries: BufferEntry[]) {
    const ids = entries.flatMap((entry) => entry.request.messageIds);
    const seen = await this.deps.events.seenMessageIds([...new Set(ids)], this.deps.clock.now() - this.deps.dedupWindowMs);
    const messageIds: string[] = [];
    const facts: IdentityFacts[] = [];
    let duplicates = 0;
    const duplicatesPerEntry: number[] = [];
    const kept = entries.map(({ request }) => {
      const rows: number[] = [];
      for (let row = 0; row < request.count; row++) {
        const id = request.messageIds[row]!;
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push(row);
        messageIds.push(id);
        facts.push(identityFacts(request, row));
      }
      duplicatesPerEntry.push(request.count - rows.length);
      duplicates += request.count - rows.length;
      return rows.length === request.count ? null : rows;
    });
    return { kept, messageIds, facts, duplicates, duplicatesPerEntry };
  }

  private stateBatch(
    batchSeq: number,
    events: readonly IdentityFacts[],
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

  private async notify(batch: EventBatch): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(batch);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'durable-batch listener failed');
      }
    }
  }
}

/**
 * The flush's batch as parts: each entry's chunks (rows of duplicates left out), with the person each kept row
 * resolved to, positions following the batch order.
 */
function batchParts(entries: BufferEntry[], kept: (number[] | null)[], personIds: string[], nodeId: string, batchSeq: number): BatchPart[] {
  const parts: BatchPart[] = [];
  let position = 0;
  entries.forEach((entry, e) => {
    const keep = kept[e] ?? null;
    let firstRow = 0;
    for (const chunk of entry.request.chunks) {
      const rows = keep === null ? null : keep.filter((row) => row >= firstRow && row < firstRow + chunk.rows).map((row) => row - firstRow);
      firstRow += chunk.rows;
      const part = rows === null ? chunk : selectRows(chunk, rows);
      if (part.rows === 0) continue;
      parts.push({ chunk: part, sourceId: entry.sourceId, nodeId, batchSeq, firstPosition: position, personIds: personIds.slice(position, position + part.rows) });
      position += part.rows;
    }
  });
  return parts;
}
