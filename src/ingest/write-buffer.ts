import { CrumbtrailError } from '../core/errors.js';
import type { DropCounts } from '../collect/pipeline/pipeline.js';
import type { EncodedRequest } from './encoded-request.js';

/** One request's worth of events: flushed whole, in one batch, so a request is never half-written. */
export interface BufferEntry {
  request: EncodedRequest;
  sourceId: string;
  drops: DropCounts;
}

/** How the flush treated each entry's events (duplicates are only known once checked against the store). */
export interface EntryOutcome {
  duplicates: number;
}

export type FlushBatch = (entries: BufferEntry[]) => Promise<EntryOutcome[]>;

export interface WriteBufferOptions {
  /** Flush as soon as this many events are waiting. */
  maxEvents: number;
  /** Otherwise flush this long after the first event started waiting (group commit window). */
  intervalMs: number;
  /** Refuse new entries (CT_OVERLOADED) above this many waiting events. */
  maxBufferedEvents: number;
}

interface Waiting extends BufferEntry {
  /** When it started waiting (the `now` clock). */
  since: number;
  resolve: (outcome: EntryOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Requests wait here and are acknowledged only after the batch holding them is durable.
 * Flushes on size, on interval and on close; one flush runs at a time, and whatever arrives meanwhile
 * forms the next batch, so batches grow with load and latency stays low when idle.
 * Model: plausible/analytics lib/plausible/ingestion/write_buffer.ex.
 */
export class WriteBuffer {
  private waiting: Waiting[] = [];
  private waitingEvents = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly flushBatch: FlushBatch,
    private readonly options: WriteBufferOptions,
    private readonly onDepth: (depth: number) => void = () => {},
    /** Monotonic milliseconds, the clock of the timers (injectable for tests). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  get depth(): number {
    return this.waitingEvents;
  }

  submit(entry: BufferEntry): Promise<EntryOutcome> {
    if (this.closed) return Promise.reject(new CrumbtrailError('CT_SHUTTING_DOWN'));
    if (this.waitingEvents + entry.request.count > this.options.maxBufferedEvents && this.waitingEvents > 0) {
      return Promise.reject(new CrumbtrailError('CT_OVERLOADED', `${this.waitingEvents} events are waiting.`));
    }
    return new Promise<EntryOutcome>((resolve, reject) => {
      this.waiting.push({ ...entry, since: this.now(), resolve, reject });
      this.waitingEvents += entry.request.count;
      this.onDepth(this.waitingEvents);
      this.schedule();
    });
  }

  /** Stop taking entries and flush everything that waits. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing || this.waiting.length > 0) {
      if (this.flushing) await this.flushing;
      else this.startFlush();
    }
  }

  /**
   * Flush once the oldest entry has waited the interval. Entries that arrived during a flush have usually waited
   * that long by the time it ends: they go at once, not one more interval later (which left the store idle ~10 ms
   * between flushes under load: 16% of bench:ingest's wall time, docs/benchmarks.md session 9).
   */
  private schedule(): void {
    if (this.flushing || this.waiting.length === 0) return; // the running flush reschedules when it ends
    const due = this.waiting[0]!.since + this.options.intervalMs - this.now();
    if (this.waitingEvents >= this.options.maxEvents || due <= 0) {
      this.startFlush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.flushing) this.startFlush();
      }, due);
    }
  }

  private startFlush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.flushing = this.runFlush(batch).finally(() => {
      this.flushing = null;
      if (this.waiting.length > 0 && !this.closed) this.schedule();
    });
  }

  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let events = 0;
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (batch.length > 0 && events + next.request.count > this.options.maxEvents) break;
      batch.push(this.waiting.shift()!);
      events += next.request.count;
    }
    this.waitingEvents -= events;
    this.onDepth(this.waitingEvents);
    return batch;
  }

  private async runFlush(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.flushBatch(batch);
      batch.forEach((entry, i) => entry.resolve(outcomes[i] ?? { duplicates: 0 }));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
