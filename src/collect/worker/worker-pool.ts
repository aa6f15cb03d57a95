import { Worker } from 'node:worker_threads';
import { CrumbtrailError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { CollectPipeline } from '../pipeline/pipeline.js';
import { READY_ID, type JobMessage, type ReplyMessage, type WorkerSetup } from './collect-worker-protocol.js';
import { prepareBody, type BodyJob, type PreparedBody } from './prepare-body.js';

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './collect-worker.ts' : './collect-worker.js', import.meta.url);

/** Built, the thread runs dist's .js; under tsx (the tests) the .ts source, through tsx's loader (a worker has none). */
function startThread(setup: WorkerSetup): Worker {
  if (WORKER_URL.pathname.endsWith('.js')) return new Worker(WORKER_URL, { workerData: setup });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, workerData: setup });
}

interface Pending {
  resolve: (result: PreparedBody) => void;
  reject: (error: unknown) => void;
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, Pending>;
  /** Loaded and listening: only then does it get bodies. */
  ready: boolean;
  /** Settles when it is ready or has died. */
  started: Promise<void>;
}

export interface CollectWorkersOptions {
  /** Threads; 0 prepares bodies on the calling thread. */
  size: number;
  geoipDb: string | null;
  logger: Logger;
  /** The pipeline for size 0. */
  pipeline: CollectPipeline;
}

/**
 * Tracking request bodies are parsed, checked and encoded on these threads, so the event loop only routes
 * requests and runs the group commit (docs/architecture.md, ingestion path). Each body goes to the ready thread
 * with the fewest waiting; while none is ready (starting up, or replaced) bodies are prepared on the event loop, the
 * same way. A thread that dies fails its waiting requests (500, CT_INTERNAL: the clients resend) and is replaced;
 * one that dies before it was ever ready is not (it would fail again), and the event loop carries on alone.
 */
export class CollectWorkers {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private closing = false;

  constructor(private readonly options: CollectWorkersOptions) {
    for (let i = 0; i < options.size; i++) this.workers.push(this.spawn());
  }

  /** Resolves once every first thread is ready or has failed to start (the server listens after this). */
  get started(): Promise<void> {
    return Promise.all(this.workers.map((w) => w.started)).then(() => undefined);
  }

  get size(): number {
    return this.workers.length;
  }

  /** The body (copied: its bytes move to the thread) made into an encoded request, or the reason it cannot be. */
  prepare(body: Buffer, job: BodyJob): Promise<PreparedBody> {
    if (this.closing) return Promise.reject(new CrumbtrailError('CT_SHUTTING_DOWN'));
    let worker: PoolWorker | null = null;
    for (const w of this.workers) if (w.ready && (worker === null || w.pending.size < worker.pending.size)) worker = w;
    if (worker === null) {
      try {
        return Promise.resolve(prepareBody(body, job, this.options.pipeline));
      } catch (error) {
        return Promise.reject(error); // a bug, not bad input: the route answers 500 and logs it
      }
    }
    const id = this.nextId++;
    const bytes = new Uint8Array(body.byteLength);
    bytes.set(body);
    return new Promise<PreparedBody>((resolve, reject) => {
      if (worker.pending.size === 0) worker.thread.ref(); // a waiting request keeps the process up
      worker.pending.set(id, { resolve, reject });
      const message: JobMessage = { ...job, id, body: bytes };
      worker.thread.postMessage(message, [bytes.buffer]);
    });
  }

  /** Let the threads go (waiting requests fail with CT_SHUTTING_DOWN; the server drains before calling this). */
  async close(): Promise<void> {
    this.closing = true;
    const workers = this.workers.splice(0);
    for (const worker of workers) this.failAll(worker, new CrumbtrailError('CT_SHUTTING_DOWN'));
    await Promise.all(workers.map((worker) => worker.thread.terminate()));
  }

  private spawn(): PoolWorker {
    const setup: WorkerSetup = { geoipDb: this.options.geoipDb };
    let started!: () => void;
    const worker: PoolWorker = { thread: startThread(setup), pending: new Map(), ready: false, started: new Promise((resolve) => (started = resolve)) };
    worker.thread.once('exit', () => started());
    worker.thread.on('message', ({ id, result, failure }: ReplyMessage) => {
      if (id === READY_ID) {
        worker.ready = true;
        worker.thread.unref(); // an idle thread must not hold the process (a server is kept up by its socket)
        started();
        return;
      }
      const pending = worker.pending.get(id);
      worker.pending.delete(id);
      if (worker.pending.size === 0) worker.thread.unref();
      if (result) pending?.resolve(result);
      else pending?.reject(Object.assign(new Error(`collect worker: ${failure?.message}`), { stack: failure?.stack }));
    });
    worker.thread.on('error', (error) => this.replace(worker, error));
    worker.thread.on('exit', (code) => this.replace(worker, new Error(`collect worker exited with code ${code}`)));
    return worker;
  }

  private replace(worker: PoolWorker, error: Error): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return; // already replaced (an error is followed by an exit), or closing
    this.failAll(worker, new CrumbtrailError('CT_INTERNAL', 'A collect worker failed; send the request again.'));
    void worker.thread.terminate();
    if (worker.ready) {
      this.options.logger.error({ err: error }, 'collect worker failed; starting another');
      this.workers[index] = this.spawn();
    } else {
      this.options.logger.error({ err: error }, 'collect worker could not start; bodies are prepared on the event loop');
      this.workers.splice(index, 1);
    }
  }

  private failAll(worker: PoolWorker, error: CrumbtrailError): void {
    for (const pending of worker.pending.values()) pending.reject(error);
    worker.pending.clear();
  }
}
