/**
 * A few of the server's own Prometheus figures, read once after the load: how big the group-commit batches
 * were and how long they took, and how much of the RSS is V8 heap (the rest is native: DuckDB, SQLite, buffers).
 */
export interface ServerMetrics {
  flushes: number;
  /** Mean events per flushed batch. */
  flushEventsAvg: number;
  /** Mean time to make one batch durable, ms. */
  flushMsAvg: number;
  /** Mean ms per flush in each phase (crumbtrail_flush_phase_seconds), in the order a flush runs them. */
  flushPhasesMs: Record<string, number>;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

/** The value of a sample (unlabelled, or with exactly these labels: `phase="dedupe"`), NaN when absent. */
function sample(text: string, name: string, labels = ''): number {
  const match = new RegExp(`^${name}(?:\\{${labels}\\})${labels ? '' : '?'} ([0-9.eE+-]+|NaN)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

const FLUSH_PHASES = ['dedupe', 'identity', 'append', 'merges', 'listeners'];

export function parseServerMetrics(text: string): ServerMetrics {
  const flushes = sample(text, 'crumbtrail_flush_duration_seconds_count');
  return {
    flushes,
    flushEventsAvg: sample(text, 'crumbtrail_flush_events_sum') / sample(text, 'crumbtrail_flush_events_count'),
    flushMsAvg: (sample(text, 'crumbtrail_flush_duration_seconds_sum') * 1000) / flushes,
    flushPhasesMs: Object.fromEntries(
      FLUSH_PHASES.map((phase) => {
        const labels = `phase="${phase}"`;
        return [phase, (sample(text, 'crumbtrail_flush_phase_seconds_sum', labels) * 1000) / sample(text, 'crumbtrail_flush_phase_seconds_count', labels)];
      }),
    ),
    heapUsedBytes: sample(text, 'crumbtrail_nodejs_heap_size_used_bytes'),
    heapTotalBytes: sample(text, 'crumbtrail_nodejs_heap_size_total_bytes'),
    externalBytes: sample(text, 'crumbtrail_nodejs_external_memory_bytes'),
  };
}
