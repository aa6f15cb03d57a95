// localStorage behind the consent gate: while storing is not allowed, reads and writes do nothing, so no
// identifier or queued event lands on the visitor's device. Values are JSON under "ct_"-prefixed keys.
import { warn } from './util.js';

const PREFIX = 'ct_';
/** Every key the tracker may write (consent withdrawal removes all of them). */
export const KEYS = ['aid', 'uid', 'sess', 'q', 'consent'] as const;
export type Key = (typeof KEYS)[number];

let allowed = false;

export function allowStorage(on: boolean): void {
  allowed = on;
}

/** Read even while storing is off: reading a stored consent choice stores nothing. */
export function read<T>(key: Key, evenWithoutConsent?: boolean): T | undefined {
  if (!allowed && !evenWithoutConsent) return undefined;
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined;
  }
}

export function write(key: Key, value: unknown): void {
  if (!allowed) return;
  try {
    if (value === undefined || value === null) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch (error) {
    warn(error); // quota exceeded or storage disabled: the tracker keeps working from memory
  }
}

export function clearAll(): void {
  try {
    for (const key of KEYS) localStorage.removeItem(PREFIX + key);
  } catch {
    /* storage disabled: nothing stored either */
  }
}
