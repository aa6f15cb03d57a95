import { CollectPipeline, sumDrops, type DropCounts } from '../../collect/pipeline/pipeline.js';
import type { PreparedEvent } from '../../core/events.js';
import type { IngestResult } from '../../ingest/ingestor.js';
import { DEFAULT_SOURCE_ID, type Runtime } from '../../server/runtime.js';
import { checkOneTarget, openCliRuntime } from '../runtime.js';
import { dataDirCheckpointPath, sideFileCheckpointPath } from './checkpoint.js';
import { LineError } from './report.js';

/**
 * Where validated events go. Both sinks check each line on its own first (so a bad line is reported with
 * its number instead of failing a whole batch), queue it, and send the queue as one batch on request.
 */
export interface Sink {
  /** Check one event with the collect pipeline (throws CrumbtrailError/LineError when malformed) and queue it. */
  add(event: unknown): void;
  /** Lines queued since the last send. */
  readonly queued: number;
  /** Send before adding more: the HTTP sink must stay under the server's 500 KB request limit. */
  readonly full: boolean;
  /** Send the queue; resolves once the events are durable, with the store's counts. */
  send(): Promise<IngestResult>;
  checkpointPath(file: string, namespace: string): string;
  close(): Promise<void>;
}

/** Writes straight into a data folder through the same pipeline and ingestor the HTTP server uses. */
export class InProcessSink implements Sink {
  private events: PreparedEvent[] = [];
  private drops: DropCounts = {};
  queued = 0;
  readonly full = false;

  private constructor(private readonly runtime: Runtime) {}

  /** Opens DuckDB + SQLite (and replays unapplied batches); fails with a clear message when a server holds the folder. */
  static async open(dataDir: string | undefined): Promise<InProcessSink> {
    // flushIntervalMs 0: the importer is the only writer and awaits each batch, so waiting for company is pure delay.
    return new InProcessSink(await openCliRuntime(dataDir, 'import', { flushIntervalMs: 0 }));
  }

  add(event: unknown): void {
    const prepared = this.runtime.pipeline.prepare({ batch: [event] }, 'batch', {
      sourceId: DEFAULT_SOURCE_ID,
      receivedAt: this.runtime.clock.now(),
      requestIp: null,
    });
    for (const e of prepared.events) this.events.push(e);
    this.drops = sumDrops(this.drops, prepared.drops);
    this.queued++;
  }

  async send(): Promise<IngestResult> {
    const { events, drops } = this;
    this.events = [];
    this.drops = {};
    this.queued = 0;
    return this.runtime.ingestor.ingest(events, drops);
  }

  checkpointPath(_file: string, namespace: string): string {
    return dataDirCheckpointPath(this.runtime.config.dataDir, namespace);
  }

  close(): Promise<void> {
    return this.runtime.close();
  }
}

/** Flush the HTTP queue from this size on; with MAX_HTTP_EVENT_BYTES on top it stays under the 500 KB limit. */
const HTTP_BATCH_BYTES = 384 * 1024;
const MAX_HTTP_EVENT_BYTES = 100 * 1024;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const REQUEST_TIMEOUT_MS = 60_000;

export interface HttpSinkOptions {
  url: string;
  writeKey: string;
  /** For tests: no waiting between retries. */
  retryDelaysMs?: number[];
}

/** Posts Segment batches to a running server's /v1/batch, for a data folder a server already holds. */
export class HttpSink implements Sink {
  private readonly local = new CollectPipeline(null);
  private readonly endpoint: string;
  private readonly authorization: string;
  private parts: string[] = [];
  private bytes = 0;

  constructor(private readonly options: HttpSinkOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new Error(`--url must be an http(s) URL such as http://localhost:4000 (got "${options.url}")`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`--url must be http or https (got "${options.url}")`);
    this.endpoint = `${base.href.replace(/\/+$/, '')}/v1/batch`;
    this.authorization = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
  }

  get queued(): number {
    return this.parts.length;
  }

  get full(): boolean {
    return this.bytes >= HTTP_BATCH_BYTES;
  }

  add(event: unknown): void {
    // The same checks the server runs, so the server never rejects a whole batch for one bad line.
    this.local.prepare({ batch: [event] }, 'batch', { sourceId: DEFAULT_SOURCE_ID, receivedAt: Date.now(), requestIp: null });
    const json = JSON.stringify(event);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_HTTP_EVENT_BYTES) throw new LineError(`event is ${bytes} bytes; over HTTP one line may be at most ${MAX_HTTP_EVENT_BYTES}`);
    this.parts.push(json);
    this.bytes += bytes + 1;
  }

  async send(): Promise<IngestResult> {
    const body = `{"batch":[${this.parts.join(',')}]}`;
    this.parts = [];
    this.bytes = 0;
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.post(body);
      if ('result' in outcome) return outcome.result;
      // Retrying is safe: every event carries a messageId, so a batch that did land is deduplicated.
      const delay = delays[attempt];
      if (delay === undefined) throw new Error(`POST ${this.endpoint} failed after ${attempt + 1} attempts: ${outcome.retry}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** One attempt: the counts, a reason worth retrying for, or a thrown error for answers that will not change. */
  private async post(body: string): Promise<{ result: IngestResult } | { retry: string }> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.authorization },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return { retry: `${(error as Error).message}${cause ? ` (${cause})` : ''}` };
    }
    if (response.ok) return { result: resultOf(text) };
    const failure = `${response.status} ${errorOf(text)}`;
    // 503 (overloaded, shutting down, store unavailable) passes; 4xx (bad write key, …) will not change.
    if (response.status === 503) return { retry: failure };
    throw new Error(`POST ${this.endpoint} failed: ${failure}`);
  }

  checkpointPath(file: string): string {
    return sideFileCheckpointPath(file);
  }

  async close(): Promise<void> {}
}

function resultOf(text: string): IngestResult {
  const body = JSON.parse(text) as Partial<IngestResult>;
  return { accepted: body.accepted ?? 0, dropped: body.dropped ?? 0, drops: body.drops ?? {} };
}

function errorOf(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: string; message?: string };
    return body.code ? `${body.code} ${body.message ?? ''}`.trim() : text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

/** The sink a CLI run writes to: a running server with --url (needs its write key), else the data folder. */
export async function openSink(options: { dataDir?: string | undefined; url?: string | undefined; writeKey?: string | undefined; retryDelaysMs?: number[] | undefined }): Promise<Sink> {
  checkOneTarget(options);
  if (options.url === undefined) return InProcessSink.open(options.dataDir);
  if (!options.writeKey) throw new Error('--url needs --write-key (or CRUMBTRAIL_WRITE_KEY): the source write key the server accepts');
  return new HttpSink({ url: options.url, writeKey: options.writeKey, retryDelaysMs: options.retryDelaysMs });
}
