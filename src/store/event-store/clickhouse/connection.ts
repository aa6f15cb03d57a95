import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseTarget } from './connection-url.js';
import { sql, type Sql } from './sql-literals.js';

const SECOND_MS = 1000;
/** How long open() waits for the first answer before reporting the server unreachable. */
export const CONNECT_TIMEOUT_MS = 5 * SECOND_MS;
const REQUEST_TIMEOUT_MS = 60 * SECOND_MS;
/**
 * Idle sockets are dropped client-side before the server closes them: 18.16's default keep_alive_timeout is
 * 3 s, and a request written to a socket the server is closing fails with ECONNRESET.
 */
const IDLE_SOCKET_TTL_MS = 2 * SECOND_MS;
/** Settings this adapter sends only where the server knows them (18.16 rejects unknown settings outright). */
const OPTIONAL_INSERT_SETTINGS: ClickHouseSettings = {
  // 19.x+ refuse an INSERT touching more than 100 partitions (months); an import of years of history may.
  max_partitions_per_insert_block: '0',
  // 21.11+ can buffer inserts server-side (a profile may turn it on); append must resolve only when durable.
  async_insert: 0,
};

export type JsonScalar = string | number | boolean | null;

/**
 * Settings for every FINAL read (all of them exist on 18.16 and on current servers):
 * - optimize_move_to_prewhere = 0: a filter on a column outside the sorting key, moved to PREWHERE, runs
 *   before duplicates collapse and can return a superseded row. 18.16 and current servers
 *   (optimize_move_to_prewhere_if_final = 0) do not move it under FINAL; some releases in between did.
 * - small read buffers and blocks: FINAL reads every part at once, each with a buffer and a block per column,
 *   so memory grows with the number of parts (final-rows.ts has the measurements). 16 KiB / 1024 rows cut a
 *   narrow FINAL read over 73 parts from ~148 MiB (1 MiB / 65536 rows, the defaults) to ~67 MiB.
 */
export const FINAL_READ: ClickHouseSettings = {
  optimize_move_to_prewhere: 0,
  max_read_buffer_size: String(16 * 1024),
  max_block_size: String(1024),
};

/**
 * The one place that talks to @clickhouse/client. Requests carry no `database` setting (tables are always
 * qualified) so the first check and CREATE DATABASE work before the database exists, and no optional
 * features: the client's defaults here are compatible with 18.16 (no compression, no session, no progress
 * headers, no query parameters), and the client's own console logging is off because errors are thrown.
 */
export class ClickHouseConnection {
  private closed = false;
  private constructor(
    private readonly client: ClickHouseClient,
    readonly target: ClickHouseTarget,
    private readonly insertSettings: ClickHouseSettings,
  ) {}

  /** Connect and check reachability and credentials within CONNECT_TIMEOUT_MS; fails naming the URL. */
  static async open(target: ClickHouseTarget): Promise<ClickHouseConnection> {
    const client = createClient({
      url: target.httpUrl,
      username: target.username,
      password: target.password,
      request_timeout: REQUEST_TIMEOUT_MS,
      keep_alive: { enabled: true, idle_socket_ttl: IDLE_SOCKET_TTL_MS },
      log: { level: ClickHouseLogLevel.OFF },
      // On an error after the first bytes the server can only append it to a 200 response; buffering the
      // whole answer makes every failure an HTTP error status instead. Results here are small pages.
      clickhouse_settings: { wait_end_of_query: 1 },
    });
    let known: Set<string>;
    const deadline = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
    try {
      // One query answers reachability, credentials and which optional settings exist (system.settings
      // lists every setting a server accepts; 18.16 lacks max_partitions_per_insert_block).
      const names = Object.keys(OPTIONAL_INSERT_SETTINGS);
      const result = await client.query({
        query: sql`SELECT name FROM system.settings WHERE name IN (${names})`.text,
        format: 'JSONEachRow',
        abort_signal: deadline,
      });
      known = new Set((await result.json<{ name: string }>()).map((r) => r.name));
    } catch (error) {
      await client.close();
      const reason = deadline.aborted ? `no answer within ${CONNECT_TIMEOUT_MS / SECOND_MS} s` : describeClickHouseError(error);
      throw new Error(`Cannot reach ClickHouse at ${target.display}: ${reason}`, { cause: error });
    }
    const insertSettings = Object.fromEntries(Object.entries(OPTIONAL_INSERT_SETTINGS).filter(([name]) => known.has(name)));
    return new ClickHouseConnection(client, target, insertSettings);
  }

  async rows<T extends Record<string, JsonScalar>>(query: Sql, settings?: ClickHouseSettings, signal?: AbortSignal): Promise<T[]> {
    this.assertOpen();
    try {
      const result = await this.client.query({ query: query.text, format: 'JSONEachRow', clickhouse_settings: settings, abort_signal: signal });
      return await result.json<T>();
    } catch (error) {
      throw this.failure('query', error);
    }
  }

  async command(statement: Sql): Promise<void> {
    this.assertOpen();
    try {
      await this.client.command({ query: statement.text });
    } catch (error) {
      throw this.failure('statement', error);
    }
  }

  /**
   * One INSERT … FORMAT JSONEachRow for all rows (values travel as JSON, never as SQL text). The HTTP
   * request returns only once the server has written the rows into parts on disk: synchronous inserts are
   * the default on every version (async_insert, 21.11+, is off unless a server profile turns it on).
   */
  async insert(table: Sql, rows: Record<string, JsonScalar>[]): Promise<void> {
    this.assertOpen();
    try {
      await this.client.insert({
        table: table.text,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: this.insertSettings,
      });
    } catch (error) {
      throw this.failure('insert', error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close();
  }

  /** The HTTP client would quietly open new sockets after close(); a closed store must refuse, like DuckDB's. */
  private assertOpen(): void {
    if (this.closed) throw new Error(`The ClickHouse connection to ${this.target.display} is closed`);
  }

  private failure(what: string, error: unknown): Error {
    return new Error(`ClickHouse ${what} failed at ${this.target.display}: ${describeClickHouseError(error)}`, { cause: error });
  }
}

/** 18.16 answers `Code: 193, e.displayText() = DB::Exception: Wrong password for user default, e.what() = …`. */
const LEGACY_EXCEPTION = /Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/;

/** A short reason: the server's message with its code, or the socket error code (ECONNREFUSED, …). */
export function describeClickHouseError(error: unknown): string {
  if (error instanceof ClickHouseError) return `${error.message.trim()} (code ${[error.code, error.type].filter(Boolean).join(', ')})`;
  if (!(error instanceof Error)) return String(error);
  const legacy = LEGACY_EXCEPTION.exec(error.message.trim());
  if (legacy) return `${legacy[2]!.trim()} (code ${legacy[1]})`;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return code;
  // A proxy or another HTTP service on that port answers an error status with an empty body.
  return error.message.trim() || 'an HTTP error without a message (is this the ClickHouse HTTP port?)';
}
