import path from 'node:path';
import type { CsvOptions } from './csv.js';

export const IMPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What `runImport` needs; the CLI flags map onto it one to one (see command.ts). */
export interface ImportOptions {
  file: string;
  /** Default: from the extension (.ndjson/.jsonl → ndjson, .csv/.tsv/.txt → csv), else ndjson. */
  format?: ImportFormat;
  /** In-process mode: the data folder (default: CRUMBTRAIL_DATA or ./crumbtrail-data). */
  dataDir?: string;
  /** HTTP mode: a running server's base URL; needs writeKey. */
  url?: string;
  writeKey?: string;
  csv?: CsvOptions;
  /** Lines per batch handed to the ingestor / posted (default 1000, at most 10000 like a Segment batch). */
  batchSize?: number;
  /** Ignore (and delete) a checkpoint of an earlier, unfinished import of this file. */
  restart?: boolean;
  /** Progress bar / periodic progress lines on stderr (default off here; the CLI turns it on). */
  progress?: boolean;
  /** Stop, keeping the checkpoint, after this many acknowledged batches (tests simulate an interruption). */
  stopAfterBatches?: number;
  /** Aborting stops after the current line: queued events are sent, the checkpoint kept (Ctrl-C). */
  signal?: AbortSignal;
  /** Status messages such as "resuming…" (default: stderr). */
  log?: (message: string) => void;
  /** HTTP mode: waits between retries of a failed request (default 0.5 s doubling to 8 s). */
  retryDelaysMs?: number[];
}

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_BATCH_SIZE = 10_000;

export function formatFromExtension(file: string): ImportFormat {
  const ext = path.extname(file).toLowerCase();
  return ['.csv', '.tsv', '.txt'].includes(ext) ? 'csv' : 'ndjson';
}

/** CSV options with the file-dependent default filled in: a .tsv file is tab separated unless told otherwise. */
export function csvOptionsFor(file: string, csv: CsvOptions = {}): CsvOptions {
  const delimiter = csv.delimiter ?? (path.extname(file).toLowerCase() === '.tsv' ? 'tab' : ',');
  return { ...csv, delimiter };
}

export function checkBatchSize(value: number | undefined): number {
  const size = value ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new Error(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE} (got ${value})`);
  }
  return size;
}

/** The options that decide what each line becomes, normalised, so a resume can tell whether they changed. */
export function settingsFingerprint(format: ImportFormat, csv: CsvOptions | null): string {
  if (!csv) return JSON.stringify({ format });
  return JSON.stringify({
    format,
    delimiter: csv.delimiter ?? ',',
    header: csv.header !== false,
    columns: csv.columns ?? null,
    type: csv.type ?? 'track',
    event: csv.event ?? null,
    map: csv.map ?? null,
    timestampFormat: csv.timestampFormat ?? 'auto',
  });
}
