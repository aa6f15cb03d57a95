/** Durations in milliseconds and sizes in bytes, so constants carry their unit (`24 * HOUR`). */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** Milliseconds per duration unit suffix; each duration grammar (config, analytics) accepts its own subset. */
export const DURATION_UNIT_MS = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: WEEK } as const;
export type DurationUnit = keyof typeof DURATION_UNIT_MS;

export const KB = 1024;
export const MB = 1024 * KB;
