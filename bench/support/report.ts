/** Number formatting and the results table of the ingest benchmark. */
import { MB } from '../../src/core/units.js';

export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fmtMs = (n: number): string => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : 'n/a');
export const fmtMb = (bytes: number | null): string => (bytes === null || !Number.isFinite(bytes) ? 'n/a' : `${(bytes / MB).toFixed(0)} MB`);
export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export interface Row {
  label: string;
  value: string;
  /** What the issue asks for, if anything. */
  target?: string;
  /** true = meets the target, false = misses it, undefined = no verdict. */
  ok?: boolean;
}

export function table(title: string, rows: Row[]): string {
  const w1 = Math.max(...rows.map((r) => r.label.length));
  const w2 = Math.max(...rows.map((r) => r.value.length));
  const w3 = Math.max(0, ...rows.map((r) => (r.target ?? '').length));
  const lines = [title, '-'.repeat(Math.max(title.length, w1 + w2 + w3 + 12))];
  for (const r of rows) {
    const verdict = r.ok === undefined ? '' : r.ok ? '  ok' : '  MISS';
    const target = r.target ? `  ${r.target.padEnd(w3)}` : w3 > 0 ? `  ${''.padEnd(w3)}` : '';
    lines.push(`${r.label.padEnd(w1)}  ${r.value.padStart(w2)}${target}${verdict}`.trimEnd());
  }
  return lines.join('\n');
}
