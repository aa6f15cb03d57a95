/** Turning CSV cells (always strings) into the values a Segment event carries. */
import { LineError } from './report.js';

export const TIMESTAMP_FORMATS = ['auto', 'iso', 'epoch-ms', 'epoch-s', 'yyyymmdd'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

/** Plain decimal numbers without a leading zero ("12.50", "-3", "0", "0.5", "1e3"): "00001" stays a string. */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Numeric-looking cells become numbers so `revenue` and `quantity` can be summed; everything else stays a
 * string. Zero-padded values are identifiers (CDNOW's customer ids, zip codes), so they are left alone.
 */
export function coerceValue(cell: string): string | number {
  if (!NUMBER.test(cell)) return cell;
  const n = Number(cell);
  return Number.isFinite(n) ? n : cell;
}

const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;

function fromYyyymmdd(value: string): number {
  const m = YYYYMMDD.exec(value);
  if (!m) throw new LineError(`timestamp ${JSON.stringify(value)} is not yyyymmdd`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 19970230 over into March; a date that does not round-trip is not a date.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new LineError(`timestamp ${JSON.stringify(value)} is not a valid date`);
  }
  return ms;
}

function fromEpoch(value: string, unit: 'ms' | 's'): number {
  if (!NUMERIC.test(value)) throw new LineError(`timestamp ${JSON.stringify(value)} is not epoch ${unit === 'ms' ? 'milliseconds' : 'seconds'}`);
  return unit === 'ms' ? Number(value) : Number(value) * 1000;
}

function fromIso(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new LineError(`timestamp ${JSON.stringify(value)} is not a date`);
  return ms;
}

/**
 * A cell as an ISO-8601 timestamp. `auto`: 8 digits are yyyymmdd (midnight UTC), other numbers are epoch
 * milliseconds from 1e11 up (1973 in ms, year 5138 in seconds) and epoch seconds below, anything else ISO.
 */
export function toIsoTimestamp(cell: string, format: TimestampFormat): string {
  const value = cell.trim();
  let ms: number;
  switch (format) {
    case 'yyyymmdd':
      ms = fromYyyymmdd(value);
      break;
    case 'epoch-ms':
      ms = fromEpoch(value, 'ms');
      break;
    case 'epoch-s':
      ms = fromEpoch(value, 's');
      break;
    case 'iso':
      ms = fromIso(value);
      break;
    case 'auto':
      if (YYYYMMDD.test(value)) ms = fromYyyymmdd(value);
      else if (NUMERIC.test(value)) ms = Math.abs(Number(value)) >= 1e11 ? Number(value) : Number(value) * 1000;
      else ms = fromIso(value);
      break;
  }
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw new LineError(`timestamp ${JSON.stringify(value)} is out of range`);
  return date.toISOString();
}
