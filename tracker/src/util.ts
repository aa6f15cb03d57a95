// Small helpers shared by the tracker's modules. Everything here must stay tiny: the whole tracker is <= 6 KB gzipped.

export type Props = Record<string, unknown>;

export const now = (): number => Date.now();
export const iso = (ms: number): string => new Date(ms).toISOString();

/** RFC 4122 v4 from crypto.getRandomValues (crypto.randomUUID needs a secure context; plain-http sites lack it). */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 15) | 64;
  b[8] = (b[8]! & 63) | 128;
  let s = '';
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + (b[i]! + 256).toString(16).slice(1);
  return s;
}

/** The tracker never throws into the host page: it logs (once per message kind would be nicer; warn is enough). */
export function warn(error: unknown): void {
  try {
    console.warn('[crumbtrail]', error);
  } catch {
    /* console may be missing in odd embeds */
  }
}

/** Wrap a public entry point so a bug or a hostile argument cannot break the page that embeds us. */
export function safe<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (error) {
      warn(error);
      return undefined;
    }
  };
}

export const isObject = (v: unknown): v is Props => typeof v === 'object' && v !== null && !Array.isArray(v);
