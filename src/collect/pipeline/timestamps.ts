/** Epoch milliseconds from an ISO-8601 string or an epoch-milliseconds number; NaN when unparseable. */
export function parseTimestamp(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  return Date.parse(value);
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
