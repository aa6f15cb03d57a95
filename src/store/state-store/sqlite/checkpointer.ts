import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the ingest thread. better-sqlite3 is synchronous, so SQLite's automatic checkpoint (run
 * inside COMMIT every 1000 pages) stalled the event loop for tens of milliseconds per flush. Instead the writer
 * connection never checkpoints, and this worker thread, with its own connection to the same file, runs a PASSIVE
 * checkpoint (it never blocks the writer) every `everyMs`, and a TRUNCATE checkpoint (the writer waits for it)
 * when the WAL file has grown past `truncateAboveBytes`. In WAL mode that is safe for any number of connections;
 * if the process dies, the next open replays the WAL as usual.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const walSize = () => { try { return fs.statSync(workerData.file + '-wal').size; } catch { return 0; } };
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    if (walSize() > workerData.truncateAboveBytes) db.pragma('wal_checkpoint(TRUNCATE)');
    return null;
  } catch (error) { return String(error); }
};
const timer = setInterval(() => parentPort.postMessage({ failure: checkpoint() }), workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'now') return parentPort.postMessage({ failure: checkpoint(), asked: true });
  clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.close();
});
`;

export class SqliteCheckpointer {
  private readonly worker: Worker;
  /** Why the last checkpoint failed, or null after a good one. Checkpoints that keep failing let the WAL grow. */
  private failure: string | null = null;
  private readonly asked: ((failure: string | null) => void)[] = [];

  constructor(file: string, driverPath: string, everyMs: number, truncateAboveBytes: number) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: driverPath, everyMs, truncateAboveBytes } });
    this.worker.on('message', (message: { failure: string | null; asked?: boolean }) => {
      this.failure = message.failure;
      if (message.asked) {
        this.asked.shift()?.(message.failure);
        if (this.asked.length === 0) this.worker.unref();
      }
    });
    // An unheard 'error' from a worker would take the whole process down; record it instead.
    this.worker.on('error', (error) => (this.failure = `checkpoint worker stopped: ${error.message}`));
    this.worker.unref();
  }

  get lastFailure(): string | null {
    return this.failure;
  }

  /** One checkpoint now, as the timer would run it; resolves to its failure, or null. */
  runNow(): Promise<string | null> {
    return new Promise((resolve) => {
      this.asked.push(resolve);
      this.worker.ref(); // an answer is awaited: the process must not exit first
      this.worker.postMessage('now');
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref(); // keep the process alive until the final checkpoint is done
    this.worker.postMessage('stop');
    await exited;
  }
}
