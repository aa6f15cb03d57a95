// Batching to /v1/batch (Segment wire format) with retry, backoff and an offline queue.
// - Messages wait in a bounded queue, mirrored to localStorage when consent allows, so a reload or a spell
//   offline loses nothing; the server's messageId dedup makes a resend after an unclear outcome harmless.
// - A batch leaves after FLUSH_DELAY_MS, at once when BATCH_SIZE messages wait, and on page hide through
//   fetch keepalive (or sendBeacon), which outlives the page.
// - Network errors, 429 and 5xx back off exponentially (with jitter); other 4xx replies drop the batch, since
//   sending the same bytes again cannot succeed.
import { BATCH_SIZE, FLUSH_DELAY_MS, KEEPALIVE_MAX_BYTES, MAX_BACKOFF_MS, MAX_BATCH, MAX_QUEUED } from './limits.js';
import { read, write } from './storage.js';
import { iso, now, warn, type Props } from './util.js';

export interface Message extends Props {
  messageId: string;
}

let endpoint = '';
let writeKey = '';
let queue: Message[] = [];
let timer: ReturnType<typeof setTimeout> | 0 = 0;
let inFlight = false;
let failures = 0;
let enabled = false;

export function configureDelivery(host: string, key: string): void {
  endpoint = host.replace(/\/+$/, '') + '/v1/batch';
  writeKey = key;
}

/** Start sending (consent granted): pick up what a previous page left in storage. */
export function enableDelivery(): void {
  enabled = true;
  const stored = read<Message[]>('q') ?? [];
  const known = new Set(queue.map((m) => m.messageId));
  queue = stored.filter((m) => !known.has(m.messageId)).concat(queue);
  persist();
  schedule(0);
}

/** Stop sending and forget the queue (consent withdrawn). */
export function disableDelivery(): void {
  enabled = false;
  queue = [];
  if (timer) clearTimeout(timer);
  timer = 0;
}

export function enqueue(message: Message): void {
  queue.push(message);
  if (queue.length > MAX_QUEUED) queue.splice(0, queue.length - MAX_QUEUED);
  persist();
  schedule(queue.length >= BATCH_SIZE ? 0 : FLUSH_DELAY_MS);
}

function persist(): void {
  write('q', queue.length ? queue : null);
}

function schedule(delayMs: number): void {
  if (timer || !enabled) return;
  timer = setTimeout(() => {
    timer = 0;
    flush();
  }, delayMs);
}

function body(batch: Message[]): string {
  return JSON.stringify({ batch, sentAt: iso(now()), writeKey });
}

function settle(batch: Message[]): void {
  const sent = new Set(batch.map((m) => m.messageId));
  queue = queue.filter((m) => !sent.has(m.messageId));
  persist();
}

/** Send the next batch. While offline or with a batch in flight, wait (the 'online' event flushes again). */
export function flush(): void {
  if (!enabled || inFlight || !queue.length || navigator.onLine === false) return;
  if (timer) clearTimeout(timer);
  timer = 0;
  const batch = queue.slice(0, MAX_BATCH);
  inFlight = true;
  fetch(endpoint, { method: 'POST', body: body(batch), headers: { 'content-type': 'text/plain' }, keepalive: false })
    .then((res) => {
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) {
        if (!res.ok) warn('batch rejected: HTTP ' + res.status);
        settle(batch);
        failures = 0;
        return true;
      }
      return false;
    }, () => false)
    .then((ok) => {
      inFlight = false;
      if (ok) return queue.length && schedule(0); // more waiting (a big backlog, or queued meanwhile)
      // Exponential backoff with jitter: 1 s, 2 s, 4 s, ... up to a minute.
      failures++;
      schedule(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1)) * (0.5 + Math.random() / 2));
    });
}

/**
 * The page is being hidden and may never come back: hand everything to the browser in requests that outlive
 * the page. The queue stays in storage until a reply confirms it, so a lost request is resent next visit.
 */
export function flushOnHide(): void {
  if (!enabled || !queue.length || navigator.onLine === false) return;
  for (let i = 0; i < queue.length; i += BATCH_SIZE) {
    const batch = queue.slice(i, i + BATCH_SIZE);
    const text = body(batch);
    try {
      if (text.length < KEEPALIVE_MAX_BYTES) {
        fetch(endpoint, { method: 'POST', body: text, headers: { 'content-type': 'text/plain' }, keepalive: true }).then(
          (res) => res.ok && settle(batch),
          () => {},
        );
        continue;
      }
    } catch {
      /* keepalive quota used up: fall back to the beacon */
    }
    navigator.sendBeacon && navigator.sendBeacon(endpoint, text);
  }
}

export const queuedCount = (): number => queue.length;
