// The tracker's numbers in one place (the tests import them too; this file must stay free of DOM access).

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

/** Active time stops counting this long after the last input (EVENTS.md "Page Engagement"). */
export const IDLE_MS = 30 * SECOND_MS;
/** Sessions end after 30 min idle and are capped at 24 h (EVENTS.md "Sessions"). */
export const SESSION_IDLE_MS = 30 * MINUTE_MS;
export const SESSION_MAX_MS = 24 * 60 * MINUTE_MS;

/** A batch leaves this long after the first message waiting, at once when BATCH_SIZE are waiting. */
export const FLUSH_DELAY_MS = SECOND_MS;
export const BATCH_SIZE = 20;
/** The most messages one /v1/batch request carries (well under the server's 500 KB request limit). */
export const MAX_BATCH = 100;
/** The offline queue's bound: the oldest messages give way first. */
export const MAX_QUEUED = 500;
export const MAX_BACKOFF_MS = MINUTE_MS;
/** Browsers cap keepalive request bodies at 64 KiB in total. */
export const KEEPALIVE_MAX_BYTES = 60_000;
/** Messages kept in memory while consent is pending (never stored). */
export const HELD_MAX = 100;
