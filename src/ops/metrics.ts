import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, on a registry of their own (no global default registry), served at /metrics.
 * Names follow Prometheus conventions: counters end in _total, durations are in seconds.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly eventsIngested = new Counter({
    name: 'crumbtrail_events_ingested_total',
    help: 'Events made durable in the event store',
    registers: [this.registry],
  });
  readonly eventsDropped = new Counter({
    name: 'crumbtrail_events_dropped_total',
    help: 'Events dropped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly requestsRejected = new Counter({
    name: 'crumbtrail_requests_rejected_total',
    help: 'Requests answered with an error, by catalogued code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly bufferDepth = new Gauge({
    name: 'crumbtrail_write_buffer_depth',
    help: 'Events waiting in the write buffer',
    registers: [this.registry],
  });
  readonly flushDuration = new Histogram({
    name: 'crumbtrail_flush_duration_seconds',
    help: 'Time to make one batch durable (event store + state store)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly flushPhase = new Histogram({
    name: 'crumbtrail_flush_phase_seconds',
    help: 'Time spent in each phase of a flush (dedupe, identity, append: the log commit with the state transaction alongside, merges, listeners)',
    labelNames: ['phase'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly flushSize = new Histogram({
    name: 'crumbtrail_flush_events',
    help: 'Events per flushed batch',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000],
    registers: [this.registry],
  });
  readonly ingestLag = new Gauge({
    name: 'crumbtrail_ingest_lag_seconds',
    help: 'For the last flushed batch: time from its oldest event being received to being durable',
    registers: [this.registry],
  });
  readonly identityMergesRefused = new Counter({
    name: 'crumbtrail_identity_merges_refused_total',
    help: 'Identity merges refused by a guard (known_user_conflict: shared device; merge_cap: too many merges)',
    labelNames: ['guard'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'crumbtrail_' });
  }
}
