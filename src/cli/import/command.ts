import { Option, type Command } from 'commander';
import { printJsonSummary, stopOnSignal } from '../interrupt.js';
import { CSV_EVENT_TYPES, parseMap, type CsvEventType, type CsvOptions } from './csv.js';
import { DEFAULT_BATCH_SIZE, IMPORT_FORMATS, type ImportFormat, type ImportOptions } from './options.js';
import { formatReport } from './report.js';
import { runImport } from './run.js';
import { TIMESTAMP_FORMATS, type TimestampFormat } from './values.js';

interface ImportFlags {
  format?: ImportFormat;
  data?: string;
  url?: string;
  writeKey?: string;
  batchSize: string;
  restart?: boolean;
  progress: boolean;
  json?: boolean;
  delimiter?: string;
  header: boolean;
  columns?: string;
  type?: CsvEventType;
  event?: string;
  map?: string;
  timestampFormat?: TimestampFormat;
}

const EXAMPLES = `
Examples:
  # Segment events, one JSON object per line, each with a "type"
  crumbtrail import events.ndjson -d ./crumbtrail-data

  # CDNOW purchase records (whitespace separated, header "customer_id date number_of_cds dollar_value")
  crumbtrail import CDNOW_master.txt --format csv --delimiter whitespace --event "Order Completed" \\
    --map "userId=customer_id,timestamp=date,properties.quantity=number_of_cds,properties.revenue=dollar_value"

  # Into a running server instead of its data folder
  crumbtrail import events.ndjson --url http://localhost:4000 --write-key ct_wk_...

Rows without a messageId get one derived from the file and line number, so importing the same file again
stores nothing new. Progress is checkpointed after every batch: run the same command again to resume.
CSV lines are parsed one at a time: quoted fields may contain the delimiter but not line breaks.
See docs/import.md.`;

function csvOptionsOf(flags: ImportFlags): CsvOptions | undefined {
  const csv: CsvOptions = {
    delimiter: flags.delimiter,
    header: flags.header,
    columns: flags.columns?.split(',').map((c) => c.trim()).filter(Boolean),
    type: flags.type,
    event: flags.event,
    map: flags.map === undefined ? undefined : parseMap(flags.map),
    timestampFormat: flags.timestampFormat,
  };
  const given = Object.entries(csv).filter(([key, value]) => (key === 'header' ? value === false : value !== undefined));
  return given.length > 0 ? (Object.fromEntries(given) as CsvOptions) : undefined;
}

function optionsOf(file: string, flags: ImportFlags, signal: AbortSignal): ImportOptions {
  const csv = csvOptionsOf(flags);
  const batchSize = Number(flags.batchSize);
  return {
    file,
    format: flags.format,
    dataDir: flags.data,
    url: flags.url,
    writeKey: flags.writeKey,
    csv,
    batchSize,
    restart: flags.restart ?? false,
    progress: flags.progress,
    signal,
  };
}

async function importAction(file: string, flags: ImportFlags): Promise<void> {
  // First Ctrl-C (or SIGTERM): send what is queued, keep the checkpoint, report. Second: quit now (the
  // checkpoint of the last acknowledged batch is still valid; the store's own recovery handles the rest).
  const interrupt = stopOnSignal('Stopping: sending what is queued and saving a checkpoint');
  try {
    const summary = await runImport(optionsOf(file, flags, interrupt.signal));
    process.stderr.write(formatReport(summary));
    if (flags.json) printJsonSummary(summary);
    // Malformed lines are reported, not fatal; only an interrupted run exits non-zero (130, like a shell).
    if (summary.interrupted) process.exitCode = 130;
  } finally {
    interrupt.release();
  }
}

export function importCommand(program: Command): void {
  program
    .command('import <file>')
    .description('Replay Segment events from a file (NDJSON, or CSV through a column mapping) through the ingestion pipeline')
    .addOption(new Option('--format <format>', 'file format (default: .ndjson/.jsonl → ndjson, .csv/.tsv/.txt → csv, else ndjson)').choices(IMPORT_FORMATS))
    .option('-d, --data <dir>', 'data folder to write into (env CRUMBTRAIL_DATA, default ./crumbtrail-data); must not be held by a running server')
    .option('--url <url>', 'send to a running server (POST /v1/batch) instead, e.g. http://localhost:4000')
    .addOption(new Option('--write-key <key>', 'source write key for --url').env('CRUMBTRAIL_WRITE_KEY'))
    .option('--batch-size <n>', 'lines per acknowledged batch and checkpoint (1-10000)', String(DEFAULT_BATCH_SIZE))
    .option('--restart', 'ignore the checkpoint of an unfinished import of this file and start over')
    .option('--no-progress', 'no progress output (a bar on a terminal, otherwise a line every 5 s)')
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('--delimiter <d>', 'CSV: one character, "tab" or "whitespace" (runs of spaces/tabs) (default "," ; tab for .tsv)')
    .option('--no-header', 'CSV: the first line is data, not column names (needs --columns)')
    .option('--columns <names>', 'CSV: column names, comma separated (replace the header names if there is a header)')
    .addOption(new Option('--type <type>', 'CSV: the call each row becomes (default track)').choices(CSV_EVENT_TYPES))
    .option('--event <name>', 'CSV: event name for track rows (a mapped "event" column wins when not empty)')
    .option(
      '--map <pairs>',
      'CSV: target=column pairs, comma separated; targets: userId, anonymousId, event, name, timestamp, messageId, groupId, ' +
        'properties.X, traits.X, context.X (default: every column, as properties, or traits for identify)',
    )
    .addOption(
      new Option('--timestamp-format <format>', 'CSV: how the timestamp column is written (default auto: ISO, 8-digit yyyymmdd, epoch ms ≥ 1e11, else epoch s)').choices(
        TIMESTAMP_FORMATS,
      ),
    )
    .addHelpText('after', EXAMPLES)
    .action(importAction);
}
