import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the ingest thread. better-sqlite3 is synchronous, so SQLite's automatic checkpoint (run
 * inside COMMIT every 1000 pages) stalled the event loop for tens of milliseconds per flush. Instead the writer
 * connection never checkpoints, and this worker thread, with its own connection to the same file, runs a PASSIVE
 * checkpoint (it never blocks the writer) every `everyMs`. In WAL mode that is safe for any number of
 * connections; if the process dies, the next open replays the WAL as usual.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); parentPort.postMessage(null); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.close(); });
`;

export class SqliteCheckpointer {
  private readonly worker: Worker;
  /** Why the last checkpoint failed, or null after a good one. Checkpoints that keep failing let the WAL grow. */
  private failure: string | null = null;

  constructor(file: string, driverPath: string, everyMs: number) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: driverPath, everyMs } });
    this.worker.on('message', (failure: string | null) => (this.failure = failure));
    // An unheard 'error' from a worker would take the whole process down; record it instead.
    this.worker.on('error', (error) => (this.failure = `checkpoint worker stopped: ${error.message}`));
    this.worker.unref();
  }

  get lastFailure(): string | null {
    return this.failure;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref(); // keep the process alive until the final checkpoint is done
    this.worker.postMessage('stop');
    await exited;
  }
}
