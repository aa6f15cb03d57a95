import { sumDrops, type DropCounts } from '../../collect/pipeline/pipeline.js';
import { CrumbtrailError } from '../../core/errors.js';
import type { IngestResult } from '../../ingest/ingestor.js';

/** A line that cannot become an event; its message is reported with the line number and the import goes on. */
export class LineError extends Error {}

export interface MalformedLine {
  line: number;
  message: string;
}

/** Kept in memory, in checkpoints and in --json; the count is always exact. */
export const MAX_KEPT_MALFORMED = 1000;
/** Printed in the text report. */
export const MAX_PRINTED_MALFORMED = 20;

/** Running counts; saved in the checkpoint so a resumed import reports the whole file. */
export interface Totals {
  /** Data lines read (not blank lines, not the CSV header). */
  lines: number;
  accepted: number;
  dropped: number;
  drops: DropCounts;
  malformed: number;
  malformedLines: MalformedLine[];
}

export interface ResumePoint {
  /** Last line the checkpoint covered; the import went on with the line after it. */
  afterLine: number;
  byteOffset: number;
}

export interface ImportSummary extends Totals {
  file: string;
  format: 'ndjson' | 'csv';
  resumedFrom: ResumePoint | null;
  /** Stopped early (Ctrl-C, or stopAfterBatches); a checkpoint was kept so the next run resumes. */
  interrupted: boolean;
  durationMs: number;
}

export function emptyTotals(): Totals {
  return { lines: 0, accepted: 0, dropped: 0, drops: {}, malformed: 0, malformedLines: [] };
}

export function addResult(totals: Totals, result: IngestResult): void {
  totals.accepted += result.accepted;
  totals.dropped += result.dropped;
  totals.drops = sumDrops(totals.drops, result.drops);
}

export function addMalformed(totals: Totals, line: number, error: unknown): void {
  totals.malformed++;
  if (totals.malformedLines.length < MAX_KEPT_MALFORMED) totals.malformedLines.push({ line, message: describeLineError(error) });
}

/** `<code> <what is wrong>`, short: the catalog's generic sentence is left out, the zod issues are kept. */
export function describeLineError(error: unknown): string {
  if (error instanceof CrumbtrailError) {
    const details = error.details as { issues?: { path?: string; message: string }[]; bytes?: number; limitBytes?: number } | undefined;
    if (details?.issues?.length) {
      return `${error.code} ${details.issues.map((i) => `${i.path || '(event)'}: ${i.message}`).join('; ')}`;
    }
    if (details?.bytes !== undefined) return `${error.code} event is ${details.bytes} bytes (limit ${details.limitBytes})`;
    return `${error.code} ${error.message}`;
  }
  if (error instanceof LineError) return error.message;
  throw error;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The report's two drop lines (import and demo): duplicates apart (a re-run stores nothing new), then the other
 * drops with their reasons. `duplicateNote` follows the duplicate count when there are any.
 */
export function dropLines(totals: Pick<Totals, 'dropped' | 'drops'>, duplicateNote = ''): string[] {
  const { duplicate = 0, ...otherDrops } = totals.drops;
  const reasons = Object.entries(otherDrops)
    .filter(([, n]) => n)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return [
    `  duplicates:  ${duplicate}${duplicate > 0 ? duplicateNote : ''}`,
    `  dropped:     ${totals.dropped - duplicate}${reasons ? ` (${reasons})` : ''}`,
  ];
}

/** The human report, for stderr. */
export function formatReport(summary: ImportSummary): string {
  const out = [
    `${summary.interrupted ? 'Stopped' : 'Finished'} ${summary.file} (${summary.format}) in ${(summary.durationMs / 1000).toFixed(1)} s` +
      (summary.resumedFrom ? `, resumed after line ${summary.resumedFrom.afterLine}` : ''),
    `  lines read:  ${summary.lines}`,
    `  imported:    ${summary.accepted}`,
    ...dropLines(summary),
    `  malformed:   ${plural(summary.malformed, 'line')}`,
  ];
  for (const { line, message } of summary.malformedLines.slice(0, MAX_PRINTED_MALFORMED)) out.push(`    line ${line}: ${message}`);
  const more = summary.malformed - Math.min(summary.malformedLines.length, MAX_PRINTED_MALFORMED);
  if (more > 0) out.push(`    … and ${more} more`);
  if (summary.interrupted) out.push('Run the same command again to resume from the checkpoint (or add --restart to start over).');
  return `${out.join('\n')}\n`;
}
