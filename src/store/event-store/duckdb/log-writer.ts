import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { EventBatch } from '../encoded/event-batch.js';
import { EventChunkWriter } from './event-chunks.js';

/**
 * Everything written through the event store's writer connection: appends to `events` and other transactions
 * (merges, migrations). They share the connection, and so its transaction, so they run one after another.
 *
 * Rows go straight into `events` through the Appender, inside an explicit transaction: the Appender's flush then
 * only hands the rows to the transaction, and the commit (WAL write and fsync) is an async COMMIT that runs on
 * DuckDB's own threads while the event loop serves requests. Without the transaction the Appender commits
 * synchronously (about 60% of the append time, on the event loop); the TEMP-table staging that avoided that
 * wrote every row twice (16.1 µs of CPU per event against 13.6 µs now, scratch measurement on EVENT_COLUMNS).
 *
 * `BEGIN` and creating the Appender are each a round trip through DuckDB's threads and back to the event loop,
 * which waits behind whatever the loop is doing (parsing requests): 2–3 ms a flush with a collect worker, ~17 ms
 * without one (a probe, session 10). `prepareAppend()` starts both when a flush starts, so they are done by the
 * time dedupe and identity have decided the rows.
 */
export class DuckDbLogWriter {
  private queue: Promise<unknown> = Promise.resolve();
  /** Fills the Appender (one at a time: appends are serial). */
  private readonly chunks = new EventChunkWriter();
  /** A transaction opened ahead of the next append, with its Appender. */
  private prepared: Promise<DuckDBAppender> | null = null;

  constructor(private readonly connection: DuckDBConnection) {}

  /** Open the next append's transaction now. Any other write discards it first; so does an empty append. */
  prepareAppend(): void {
    if (this.prepared) return;
    const prepared = this.serially(() => this.begin());
    prepared.catch(() => {}); // observed by whoever takes it
    this.prepared = prepared;
  }

  /** Append the batch in one transaction; `alongside` starts once the COMMIT has (see EventStore.append). */
  append(batch: EventBatch, alongside?: () => Promise<void>): Promise<void> {
    const prepared = this.takePrepared();
    if (batch.count === 0) {
      if (prepared) void this.serially(() => this.discard(prepared));
      return alongside ? alongside() : Promise.resolve();
    }
    return this.serially(() => this.appendInTransaction(batch, prepared, alongside));
  }

  /** Runs `work` inside one transaction: all of it is committed, or none. */
  transaction(work: (connection: DuckDBConnection) => Promise<void>): Promise<void> {
    const prepared = this.takePrepared();
    return this.serially(async () => {
      if (prepared) await this.discard(prepared);
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await work(this.connection);
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.rollback();
        throw error;
      }
    });
  }

  /** Waits for the writes queued so far and ends a prepared transaction; the connection can then be closed. */
  async close(): Promise<void> {
    const prepared = this.takePrepared();
    await this.serially(() => (prepared ? this.discard(prepared) : Promise.resolve()));
  }

  private async appendInTransaction(batch: EventBatch, prepared: Promise<DuckDBAppender> | null, alongside?: () => Promise<void>): Promise<void> {
    let side: Promise<void> | undefined;
    try {
      const appender = await (prepared ?? this.begin());
      this.fill(appender, batch);
      const commit = this.connection.run('COMMIT');
      // As a promise job: it starts while the COMMIT runs, and even a synchronous throw becomes a rejection.
      side = alongside ? Promise.resolve().then(alongside) : undefined;
      side?.catch(() => {}); // observed below, after the commit; never an unhandled rejection meanwhile
      await commit;
    } catch (error) {
      await this.rollback();
      await side?.catch(() => {}); // settle it before reporting: the caller's recovery must see what it did
      throw error;
    }
    await side;
  }

  private async begin(): Promise<DuckDBAppender> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      return await this.connection.createAppender('events');
    } catch (error) {
      await this.rollback();
      throw error;
    }
  }

  private fill(appender: DuckDBAppender, batch: EventBatch): void {
    try {
      this.chunks.append(appender, batch);
      appender.closeSync(); // flushes into the transaction (a NOT NULL violation surfaces here)
    } catch (error) {
      // The caller rolls the transaction back, so nothing reaches `events`. Drop what the Appender still holds first:
      // its finaliser would flush it again later, into whichever transaction the connection has open by then.
      appender.clear();
      throw error;
    }
  }

  /** End a prepared transaction that no append took (nothing was written in it). */
  private async discard(prepared: Promise<DuckDBAppender>): Promise<void> {
    const appender = await prepared.catch(() => null);
    if (appender) appender.closeSync();
    await this.rollback();
  }

  /** DuckDB may have ended a failed transaction itself; then there is nothing left to roll back. */
  private async rollback(): Promise<void> {
    await this.connection.run('ROLLBACK').catch(() => {});
  }

  private takePrepared(): Promise<DuckDBAppender> | null {
    const prepared = this.prepared;
    this.prepared = null;
    return prepared;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }
}
