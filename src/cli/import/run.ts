import fs from 'node:fs';
import path from 'node:path';
import { deriveMessageId } from '../../core/ids.js';
import { fileNamespace, loadCheckpoint, removeCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { CsvMapper } from './csv.js';
import { parseNdjsonLine } from './ndjson.js';
import { checkBatchSize, csvOptionsFor, formatFromExtension, settingsFingerprint, type ImportOptions } from './options.js';
import type { Progress } from '../progress.js';
import { createImportProgress } from './progress.js';
import { firstNonBlankLine, MAX_LINE_BYTES, readLines, type ReadFrom } from './read-lines.js';
import { addMalformed, addResult, emptyTotals, LineError, type ImportSummary, type ResumePoint, type Totals } from './report.js';
import { openSink } from './sink.js';

/** Position of the last line fully handled (its events acknowledged, or it was blank or malformed). */
interface Done {
  lineNumber: number;
  byteOffset: number;
}

function statFile(file: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `No such file: ${file}` : `Cannot read ${file}: ${(error as Error).message}`);
  }
  if (!stat.isFile()) throw new Error(`Not a file: ${file}`);
  return stat;
}

/**
 * The two changes replaying makes to an event. A row without a messageId gets one derived from the file and
 * line, so a re-import deduplicates. `sentAt` is removed: the pipeline corrects clock skew as
 * receivedAt - (sentAt - timestamp), which assumes the event was sent just now; a replayed event's sentAt is
 * from its original delivery, and keeping it would re-date every historical event to the import time.
 */
function forReplay(event: unknown, namespace: string, lineNumber: number): unknown {
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
    const e = event as Record<string, unknown>;
    if (e.messageId === undefined || e.messageId === null) e.messageId = deriveMessageId(namespace, String(lineNumber));
    delete e.sentAt;
  }
  return event;
}

/**
 * Replay a file of Segment events (NDJSON, or CSV through a column mapping) into the ingestion pipeline:
 * line by line validation, batches awaited until durable, a checkpoint after each batch, resumable.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const file = path.resolve(options.file);
  const size = statFile(file).size;
  const batchSize = checkBatchSize(options.batchSize);
  const format = options.format ?? formatFromExtension(file);
  if (format === 'ndjson' && options.csv && Object.keys(options.csv).length > 0) {
    throw new Error(`CSV options (--delimiter, --map, --type, …) were given, but ${path.basename(file)} is read as ndjson; add --format csv`);
  }
  const csv = format === 'csv' ? csvOptionsFor(file, options.csv) : null;

  // CSV mapping errors are found before any store is opened; data starts after the header line.
  let mapper: CsvMapper | null = null;
  let dataStart: ReadFrom = { offset: 0, lineNumber: 1 };
  if (csv) {
    const header = csv.header === false ? null : await firstNonBlankLine(file);
    mapper = new CsvMapper(csv, header?.text ?? null);
    if (header) dataStart = { offset: header.end, lineNumber: header.number + 1 };
  }
  const namespace = await fileNamespace(file, size);
  const settings = settingsFingerprint(format, csv);

  const sink = await openSink(options);
  let bar: Progress | null = null;
  try {
    const checkpointFile = sink.checkpointPath(file, namespace);
    const checkpoint = resumable(options.restart ? null : loadCheckpoint(checkpointFile), namespace, settings, log);
    if (options.restart) removeCheckpoint(checkpointFile);

    const totals: Totals = checkpoint ? structuredClone(checkpoint.totals) : emptyTotals();
    let from = dataStart;
    let resumedFrom: ResumePoint | null = null;
    if (checkpoint && checkpoint.byteOffset > dataStart.offset) {
      from = { offset: checkpoint.byteOffset, lineNumber: checkpoint.lineNumber + 1 };
      resumedFrom = { afterLine: checkpoint.lineNumber, byteOffset: checkpoint.byteOffset };
      const percent = size > 0 ? ((100 * checkpoint.byteOffset) / size).toFixed(1) : '100';
      log(`Resuming ${file} after line ${checkpoint.lineNumber} (${percent}% done; checkpoint ${checkpointFile})`);
    }

    let done: Done = { lineNumber: from.lineNumber - 1, byteOffset: from.offset };
    let batches = 0;
    let eventsThisRun = 0;
    let interrupted = false;
    let checkpointWarned = false;
    const progress = createImportProgress({ enabled: options.progress ?? false, totalBytes: size, startBytes: from.offset });
    bar = progress;

    /** Send what is queued, then record that everything up to `upTo` is done. */
    const commit = async (upTo: Done): Promise<void> => {
      if (sink.queued > 0) {
        const result = await sink.send();
        addResult(totals, result);
        eventsThisRun += result.accepted + result.dropped;
        batches++;
      }
      done = upTo;
      try {
        saveCheckpoint(checkpointFile, { file, size, namespace, settings, ...upTo, totals });
      } catch (error) {
        // Losing resumability is not a reason to stop a running import (e.g. the file's folder is read-only).
        if (!checkpointWarned) log(`Warning: cannot write the checkpoint ${checkpointFile} (${(error as Error).message}); this import cannot resume.`);
        checkpointWarned = true;
      }
      progress.update(upTo.byteOffset, eventsThisRun);
      // Let the event loop turn: an in-process batch can complete in microtasks alone (SQLite is synchronous),
      // and a 1 MB read chunk holds thousands of lines, so without this Ctrl-C would wait for the chunk's end.
      await new Promise((resolve) => setImmediate(resolve));
    };

    let last: Done = done;
    for await (const line of readLines(file, from)) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      last = { lineNumber: line.number, byteOffset: line.end };
      if (line.text.trim() === '') continue;
      totals.lines++;
      try {
        if (line.tooLong) throw new LineError(`line is longer than ${MAX_LINE_BYTES} bytes`);
        const event = mapper ? mapper.toEvent(line.text) : parseNdjsonLine(line.text);
        sink.add(forReplay(event, namespace, line.number));
      } catch (error) {
        addMalformed(totals, line.number, error);
      }
      if (sink.queued >= batchSize || sink.full) {
        await commit(last);
        if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) {
          interrupted = true;
          break;
        }
      }
    }

    if (interrupted) {
      if (last.byteOffset > done.byteOffset) await commit(last);
    } else {
      if (sink.queued > 0) await commit(last);
      progress.update(size, eventsThisRun);
      removeCheckpoint(checkpointFile);
    }
    return { file, format, ...totals, resumedFrom, interrupted, durationMs: Date.now() - started };
  } finally {
    bar?.stop();
    await sink.close();
  }
}

/** A checkpoint to resume from, or null. A stale one (the file changed) is ignored; other options are an error. */
function resumable(checkpoint: Checkpoint | null, namespace: string, settings: string, log: (m: string) => void): Checkpoint | null {
  if (!checkpoint) return null;
  if (checkpoint.namespace !== namespace) {
    log(`The checkpoint for ${checkpoint.file} belongs to an earlier version of the file; starting from the beginning.`);
    return null;
  }
  if (checkpoint.settings !== settings) {
    throw new Error(
      `An unfinished import of this file used other options (${checkpoint.settings}). ` +
        'Run it again with the same options to resume, or add --restart to start over.',
    );
  }
  return checkpoint;
}
