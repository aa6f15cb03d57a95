/**
 * Text every store can hold. PostgreSQL rejects NUL (U+0000) in text and JSONB and lone UTF-16 surrogates in
 * JSONB; SQLite and DuckDB take them. A value one engine refuses would fail its batch for good (the batch is
 * already in the event log and would be replayed forever), so such characters are cleaned at the edge, the same
 * way on every engine: NUL is removed, a lone surrogate becomes U+FFFD.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same characters as JSON.stringify escapes them. */
const UNSTORABLE_ESCAPED = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

export function storableText(value: string): string {
  return value.replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\ufffd'));
}

/** Cheap check on an already serialised object: only the rare dirty ones are walked. */
export function jsonNeedsCleaning(json: string): boolean {
  return UNSTORABLE_ESCAPED.test(json);
}

export function storableDeep<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storableDeep) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[storableText(key)] = storableDeep(inner);
    return out as T;
  }
  return value;
}
