import { Option, type Command } from 'commander';
import { systemClock, type Clock } from '../core/clock.js';
import { DEMO_DEFAULTS } from '../demo/generate.js';
import { DEFAULT_DEMO_BATCH_SIZE, formatDemoReport, runDemo } from '../demo/run.js';
import { openSink } from './import/sink.js';
import { printJsonSummary, stopOnSignal } from './interrupt.js';

interface DemoFlags {
  customers: string;
  days: string;
  seed: string;
  end?: string;
  data?: string;
  url?: string;
  writeKey?: string;
  batchSize: string;
  progress: boolean;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  # A year of a 5,000-customer coffee shop into ./crumbtrail-data (the server must not be running on it)
  crumbtrail demo

  # Small and exactly reproducible
  crumbtrail demo --customers 500 --days 120 --seed 7 --end 2026-01-01T00:00:00Z -d ./demo-data

  # Into a running server
  crumbtrail demo --url http://localhost:4000 --write-key ct_wk_...

  # Or let the server load it into an empty data folder once it is listening
  crumbtrail start --demo

The history ends now (or at --end). The same options give the same events and messageIds, so loading it
again within the 48 h dedup window stores nothing new. What is planted in it: docs/demo-data.md.`;

function wholeNumber(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new Error(`--${name} must be a whole number (got "${value}")`);
  return n;
}

export function parseEnd(value: string | undefined, clock: Clock): number {
  if (value === undefined) return clock.now();
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--end must be a date such as 2026-01-01T00:00:00Z (got "${value}")`);
  return ms;
}

async function demoAction(flags: DemoFlags): Promise<void> {
  const options = {
    customers: wholeNumber('customers', flags.customers),
    days: wholeNumber('days', flags.days),
    seed: wholeNumber('seed', flags.seed),
    endMs: parseEnd(flags.end, systemClock),
    batchSize: wholeNumber('batch-size', flags.batchSize),
    progress: flags.progress,
  };
  const sink = await openSink({ dataDir: flags.data, url: flags.url, writeKey: flags.writeKey });

  const interrupt = stopOnSignal('Stopping after this batch');
  try {
    const summary = await runDemo({ ...options, signal: interrupt.signal }, sink);
    process.stderr.write(formatDemoReport(summary));
    if (flags.json) printJsonSummary(summary);
    if (summary.interrupted) process.exitCode = 130;
  } finally {
    interrupt.release();
    await sink.close();
  }
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('Generate a reproducible synthetic shop history (customers, sessions, orders, churn…) and ingest it through the pipeline')
    .option('--customers <n>', 'customers who sign up (anonymous visitors come on top)', String(DEMO_DEFAULTS.customers))
    .option('--days <n>', 'length of the history in days', String(DEMO_DEFAULTS.days))
    .option('--seed <n>', 'random seed: the same seed and options give the same events', String(DEMO_DEFAULTS.seed))
    .option('--end <date>', 'when the history ends (ISO date; default now)')
    .option('-d, --data <dir>', 'data folder to write into (env CRUMBTRAIL_DATA, default ./crumbtrail-data); must not be held by a running server')
    .option('--url <url>', 'send to a running server (POST /v1/batch) instead, e.g. http://localhost:4000')
    .addOption(new Option('--write-key <key>', 'source write key for --url').env('CRUMBTRAIL_WRITE_KEY'))
    .option('--batch-size <n>', 'events per acknowledged batch', String(DEFAULT_DEMO_BATCH_SIZE))
    .option('--no-progress', 'no progress output (a bar on a terminal, otherwise a line every 5 s)')
    .option('--json', 'print the summary as one JSON object on stdout')
    .addHelpText('after', EXAMPLES)
    .action(demoAction);
}
