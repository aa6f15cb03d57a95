import { checkBatchSize } from '../cli/import/options.js';
import { addResult, dropLines, emptyTotals, type Totals } from '../cli/import/report.js';
import type { Sink } from '../cli/import/sink.js';
import { createProgress } from '../cli/progress.js';
import { DAY } from '../core/units.js';
import { planDemo, type DemoOptions } from './generate.js';

/**
 * Generates the demo history and sends it, in time order, through a Sink of `crumbtrail import` (in-process
 * into a data folder, or HTTP to a running server): the same validation, pipeline and ingestor as live traffic.
 */

export interface RunDemoOptions extends DemoOptions {
  /** Events per acknowledged batch (the HTTP sink also flushes before 500 KB). */
  batchSize?: number;
  progress?: boolean;
  /** Stop after the current batch (Ctrl-C); what was sent stays. */
  signal?: AbortSignal;
}

export interface DemoSummary {
  options: DemoOptions;
  runId: string;
  customers: number;
  visitors: number;
  /** People the store should hold when the whole history is in: one per customer and per visitor. */
  expectedPeople: number;
  /** Events generated and handed to the pipeline (totals.lines). */
  events: number;
  /**
   * Store counts (accepted, dropped by reason). `malformed` stays 0: the generator only makes valid events, and
   * one the pipeline refused would stop the run with its error.
   */
  totals: Totals;
  interrupted: boolean;
  durationMs: number;
}

export const DEFAULT_DEMO_BATCH_SIZE = 5000;

export async function runDemo(options: RunDemoOptions, sink: Sink): Promise<DemoSummary> {
  const started = Date.now();
  const demo = planDemo(options);
  const batchSize = checkBatchSize(options.batchSize ?? DEFAULT_DEMO_BATCH_SIZE);
  const totals = emptyTotals();
  // Progress through the days of the history: the event total is only known at the end.
  const progress = createProgress({
    enabled: options.progress ?? false,
    total: options.days,
    bar: { format: 'demo |{bar}| day {value}/{total} | {events} events | {rate} events/s | ETA {eta_formatted}', etaBuffer: 30 },
    line: ({ value: day, events, eventsPerSecond }) => `demo: day ${day}/${options.days}, ${events} events, ${Math.round(eventsPerSecond)} events/s`,
  });
  let interrupted = false;
  let day = 0;
  const send = async () => {
    addResult(totals, await sink.send());
    progress.update(day, totals.accepted + totals.dropped);
    // Let Ctrl-C and other work in: an in-process batch can complete in microtasks alone.
    await new Promise((resolve) => setImmediate(resolve));
  };
  try {
    for (const { at, event } of demo.events) {
      totals.lines++;
      sink.add(event);
      if (sink.queued >= batchSize || sink.full) {
        day = Math.min(options.days, Math.floor((at - demo.startMs) / DAY) + 1);
        await send();
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
    }
    if (sink.queued > 0) await send();
    if (!interrupted) progress.update(options.days, totals.accepted + totals.dropped);
  } finally {
    progress.stop();
  }
  return {
    options: demo.options,
    runId: demo.runId,
    customers: demo.customers.length,
    visitors: demo.visitors,
    expectedPeople: demo.expectedPeople,
    events: totals.lines,
    totals,
    interrupted,
    durationMs: Date.now() - started,
  };
}

/** The human report, for stderr. */
export function formatDemoReport(summary: DemoSummary): string {
  const seconds = summary.durationMs / 1000;
  const { seed, days, customers, endMs } = summary.options;
  return [
    `${summary.interrupted ? 'Stopped' : 'Loaded'} the demo shop history in ${seconds.toFixed(1)} s (${Math.round(summary.events / Math.max(seconds, 0.001))} events/s)`,
    `  events:      ${summary.events} generated, ${summary.totals.accepted} stored`,
    ...dropLines(summary.totals, ' (this history was loaded before; messageIds follow from the seed)'),
    `  people:      ${summary.expectedPeople} (${summary.customers} customers, ${summary.visitors} anonymous visitors)${summary.interrupted ? ' once complete' : ''}`,
    `  history:     ${days} days up to ${new Date(endMs).toISOString()}, seed ${seed}`,
    `  reproduce:   crumbtrail demo --customers ${customers} --days ${days} --seed ${seed} --end ${new Date(endMs).toISOString()}`,
    ...(summary.interrupted ? ['To finish, run that command (add --url/--data as needed) within 48 h: what is stored already is skipped as duplicates.'] : []),
    '',
  ].join('\n');
}
