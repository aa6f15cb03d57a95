import type { FastifyInstance } from 'fastify';
import { CollectPipeline } from '../collect/pipeline/pipeline.js';
import { openGeoLookup } from '../collect/geoip.js';
import { WriteKeyAuth } from '../collect/write-key.js';
import { CollectWorkers } from '../collect/worker/worker-pool.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { VERSION } from '../core/version.js';
import { IdentityResolver } from '../identity/resolve.js';
import { Ingestor } from '../ingest/ingestor.js';
import { AnalyticsTraits } from '../analytics/traits.js';
import { JobScheduler } from '../jobs/scheduler.js';
import { LtvService } from '../models/service.js';
import { HeapCeiling } from '../ops/heap.js';
import { Metrics } from '../ops/metrics.js';
import { MB } from '../core/units.js';
import { buildApp } from './app.js';
import { loadCredentials, type Credentials } from './credentials.js';
import { openStores, type Stores } from './stores.js';

export const DEFAULT_SOURCE_ID = 'default';
/** The server idles at ~20–25 MB of heap; a group commit's requests and their garbage add a few tens of MB. */
const INGEST_HEAP_CEILING_BYTES = 72 * MB;

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Prometheus process metrics (off in tests that start many runtimes). */
  defaultMetrics?: boolean;
}

/** Everything one Crumbtrail process runs on, composed from the validated config (the composition root). */
export interface Runtime extends Stores {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  credentials: Credentials & { generated: (keyof Credentials)[] };
  pipeline: CollectPipeline;
  ingestor: Ingestor;
  /** Clock-driven periodic jobs (the LTV refresh; analytics jobs register here too). */
  scheduler: JobScheduler;
  ltv: LtvService;
  analyticsTraits: AnalyticsTraits;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const stores = await openStores(config);
  let releaseNode = async (): Promise<void> => {};
  const closeStores = async () => {
    await releaseNode();
    await stores.events.close();
    await stores.state.close();
  };
  try {
    releaseNode = await stores.state.claimNode(config.nodeId);
    return await assemble(config, stores, clock, logger, options, closeStores);
  } catch (error) {
    // Whatever failed after the stores opened (node claim, credentials, geo database, recovery): let go of them.
    await closeStores().catch(() => {});
    throw error;
  }
}

async function assemble(
  config: Config,
  stores: Stores,
  clock: Clock,
  logger: Logger,
  options: RuntimeOptions,
  closeStores: () => Promise<void>,
): Promise<Runtime> {
  const credentials = loadCredentials(config.dataDir, { adminToken: config.adminToken, writeKey: config.writeKey });
  await stores.state.upsertSource({ sourceId: DEFAULT_SOURCE_ID, name: 'Default source', writeKey: credentials.writeKey, createdAt: clock.now() });
  const metrics = new Metrics({ defaultMetrics: options.defaultMetrics });
  const geo = config.geoipDb ? await openGeoLookup(config.geoipDb) : null;
  const ingestor = new Ingestor({
    nodeId: config.nodeId,
    ...stores,
    identity: new IdentityResolver(config.maxMergesPerPerson),
    metrics,
    logger,
    clock,
    dedupWindowMs: config.dedupWindowMs,
    buffer: { maxEvents: config.flushMaxEvents, intervalMs: config.flushIntervalMs, maxBufferedEvents: config.maxBufferedEvents },
  });
  await ingestor.recover();
  // After each durable batch, once its reply is on its way (src/ops/heap.ts): the heap stays near the ceiling.
  const heap = new HeapCeiling(INGEST_HEAP_CEILING_BYTES);
  ingestor.onDurableBatch(() => void setImmediate(() => heap.check()));
  const ltv = new LtvService({ ...stores, clock, logger, dataDir: config.dataDir });
  const scheduler = new JobScheduler(clock, logger);
  scheduler.register('ltv-refresh', config.ltvRefreshMs, () => ltv.refresh());
  const analyticsTraits = new AnalyticsTraits({ ...stores, clock, logger });
  scheduler.register('analytics-traits', config.analyticsRefreshMs, () => analyticsTraits.refresh());
  // Started by startServer only: a CLI run (import, demo, ltv) on the same runtime must not refresh in the background.

  let closed: Promise<void> | null = null;
  return {
    ...stores,
    config,
    clock,
    logger,
    metrics,
    credentials,
    pipeline: new CollectPipeline(geo),
    ingestor,
    scheduler,
    ltv,
    analyticsTraits,
    close: () =>
      (closed ??= (async () => {
        await scheduler.stop();
        await ingestor.close();
        await closeStores();
      })()),
  };
}

export interface RunningServer {
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Start the HTTP server. close() stops taking requests, lets in-flight ones finish, flushes, closes stores. */
export async function startServer(config: Config, options: RuntimeOptions = {}): Promise<RunningServer> {
  const runtime = await createRuntime(config, options);
  const collectWorkers = new CollectWorkers({
    size: config.collectWorkers,
    geoipDb: config.geoipDb ?? null,
    logger: runtime.logger,
    pipeline: runtime.pipeline,
  });
  let app: FastifyInstance;
  let url: string;
  try {
    await collectWorkers.started;
    app = await buildApp({
      ...runtime,
      collectWorkers,
      auth: new WriteKeyAuth(runtime.state),
      adminToken: runtime.credentials.adminToken,
      version: VERSION,
      startedAt: runtime.clock.now(),
    });
    url = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A port in use, say: let the threads go and release the stores (and the node id) before reporting it.
    await collectWorkers.close();
    await runtime.close();
    throw error;
  }
  runtime.scheduler.start();
  let closing: Promise<void> | null = null;
  return {
    runtime,
    app,
    url: url.replace('0.0.0.0', '127.0.0.1'),
    close: () =>
      (closing ??= (async () => {
        await app.close(); // in-flight requests finish (their bodies prepared, their events durable)
        await collectWorkers.close();
        await runtime.close();
      })()),
  };
}
