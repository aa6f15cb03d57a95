const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

/** A time every store can hold and a person could have meant: 1900-01-01 up to the end of year 9999. */
export function isPlausibleTime(ms: number): boolean {
  return Number.isInteger(ms) && ms >= EARLIEST && ms < LATEST;
}

/**
 * Whole epoch milliseconds from an ISO-8601 string or an epoch-milliseconds number; null when absent, NaN when
 * unparseable or implausible (the event is then dropped as invalid_timestamp, never stored as nonsense).
 */
export function parseTimestamp(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? Math.round(value) : Date.parse(value);
  return isPlausibleTime(ms) ? ms : Number.NaN;
}

/**
 * Segment's clock-skew correction: the client's clock may be wrong, but the gap between when it stamped the
 * event and when it sent it is right. timestamp = receivedAt - (sentAt - originalTimestamp).
 * https://segment.com/docs/connections/spec/common/#timestamp-overview
 */
export function correctSkew(original: number | null, sentAt: number | null, receivedAt: number): number {
  if (original === null) return receivedAt;
  if (sentAt === null) return original;
  return receivedAt - (sentAt - original);
}
