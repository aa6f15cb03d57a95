import pg from 'pg';
import { SECOND } from '../../../core/units.js';

/** Pool size: applyBatch, the ingest lock's session and reads from the HTTP API each hold a client at once. */
const POOL_MAX_CLIENTS = 10;
/** Fail fast when the server is unreachable instead of letting a request or a start hang on a dead host. */
const CONNECT_TIMEOUT_MS = 5 * SECOND;
const IDLE_CLIENT_TIMEOUT_MS = 30 * SECOND;

const SCHEMES = ['postgres:', 'postgresql:'];

/**
 * int8 (BIGINT) columns hold epoch-ms times and counters, all far below 2^53: read them as numbers. Set per pool,
 * not with pg.types.setTypeParser, so no other pg user in the process is affected.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)),
};

/** `url` without its password (in the user part or a `password=` parameter), safe for messages and logs. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return '(unparseable URL)';
  const parsed = new URL(url);
  parsed.password = '';
  parsed.searchParams.delete('password');
  return parsed.toString();
}

/** Client settings shared by the pool and the dedicated node-claim connection. */
export function clientConfig(url: string): pg.ClientConfig {
  if (!URL.canParse(url) || !SCHEMES.includes(new URL(url).protocol)) {
    throw new Error(`Not a PostgreSQL URL: ${redactUrl(url)} (expected postgres://user:password@host:5432/database)`);
  }
  return {
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Dead peers (a failed-over primary, a dropped NAT entry) are noticed on long-lived lock connections.
    keepAlive: true,
    application_name: 'crumbtrail',
    types,
  };
}

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(url), max: POOL_MAX_CLIENTS, idleTimeoutMillis: IDLE_CLIENT_TIMEOUT_MS });
  // An idle client whose connection drops is removed by the pool; the next query connects anew. Without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => {});
  return pool;
}

/** `Cannot reach PostgreSQL at postgres://crumbtrail@127.0.0.1:15432/crumbtrail: ECONNREFUSED` and the like. */
export function unreachable(url: string, error: unknown): Error {
  return new Error(`Cannot reach PostgreSQL at ${redactUrl(url)}: ${describeError(error)}`, { cause: error });
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // Socket errors (ECONNREFUSED, ENOTFOUND, ...) say the most in their code; Node's AggregateError for a host
  // with several addresses has an empty message.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  // Server errors: "password authentication failed for user …" (28P01), "database … does not exist" (3D000).
  const sqlState = typeof code === 'string' ? ` (${code})` : '';
  return `${error.message || error.name}${sqlState}`;
}
