/**
 * `clickhouse://user:password@host:port/database` (HTTP interface; `clickhouses://` for HTTPS), as given to
 * `--events` / CRUMBTRAIL_EVENTS_URL. docs/clickhouse.md documents the format.
 */
export interface ClickHouseTarget {
  /** What @clickhouse/client connects to: `http(s)://host:port`, without credentials or path. */
  httpUrl: string;
  username: string;
  password: string;
  database: string;
  /** The URL with the password left out, safe for logs and error messages. */
  display: string;
}

const DEFAULT_HTTP_PORT = { 'clickhouse:': '8123', 'clickhouses:': '8443' } as const;
const DEFAULT_USER = 'default';
const DEFAULT_DATABASE = 'default';
/**
 * Database names are spliced into DDL and every table reference (ClickHouse cannot bind identifiers as
 * parameters), so only plain identifiers are accepted rather than trusting quoting alone.
 */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function parseClickHouseUrl(url: string): ClickHouseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Not a ClickHouse URL: expected clickhouse://user:password@host:port/database, got "${withoutPassword(url)}"`);
  }
  const scheme = parsed.protocol;
  if (scheme !== 'clickhouse:' && scheme !== 'clickhouses:') {
    throw new Error(`Not a ClickHouse URL: the scheme must be clickhouse:// or clickhouses://, got "${scheme}//"`);
  }
  if (!parsed.hostname) throw new Error('Not a ClickHouse URL: no host (clickhouse://user:password@host:port/database)');
  if (parsed.search || parsed.hash) {
    throw new Error('ClickHouse URL options (?… or #…) are not supported: give only user, password, host, port and database');
  }
  const username = decode(parsed.username, 'user') || DEFAULT_USER;
  const password = decode(parsed.password, 'password');
  const path = decode(parsed.pathname.replace(/^\/+/, '').replace(/\/+$/, ''), 'database');
  const database = path || DEFAULT_DATABASE;
  const port = parsed.port || DEFAULT_HTTP_PORT[scheme];
  const host = parsed.hostname;
  const display = `${scheme}//${encodeURIComponent(username)}@${host}:${port}/${database}`;
  if (!DATABASE_NAME.test(database)) {
    throw new Error(`ClickHouse database name "${database}" in ${display} must be letters, digits and underscores (not starting with a digit)`);
  }
  return {
    httpUrl: `${scheme === 'clickhouses:' ? 'https' : 'http'}://${host}:${port}`,
    username,
    password,
    database,
    display,
  };
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`The ClickHouse URL's ${what} has a broken %-escape (write a literal % as %25)`);
  }
}

/** Best effort for a string that did not even parse: drop whatever sits between the user's colon and the @. */
function withoutPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1@');
}
