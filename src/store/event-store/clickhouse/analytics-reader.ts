import type { AnalyticsReader, KeyedList, QueryValue } from '../port.js';
import type { ClickHouseConnection, JsonScalar } from './connection.js';
import type { Tables } from './schema.js';
import { trustedSql, valueLiteral } from './sql-literals.js';

const PLACEHOLDER = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** JSON renders an Array(Tuple(Float64, String)) (Dialect.sortedKeyedList) as [[key, text], …]. */
function isPairList(value: unknown): value is [number, string][] {
  return Array.isArray(value) && Array.isArray(value[0]);
}

function keyedList(pairs: [number, string][]): KeyedList {
  return { keys: pairs.map((pair) => pair[0]), text: (index) => String(pairs[index]![1]) };
}

/**
 * Binds `$name` placeholders as escaped literals: 18.16 has no server-side parameters (see sql-literals.ts). The
 * SQL text itself comes from src/analytics, which never puts input into it, so every value passes through here.
 */
function bindPlaceholders(sql: string, params: Record<string, QueryValue>): string {
  return sql.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(params, name)) throw new Error(`query parameter $${name} has no value`);
    return valueLiteral(params[name]!);
  });
}

export class ClickHouseAnalyticsReader implements AnalyticsReader {
  readonly dialect = 'clickhouse';
  readonly tables: { events: string; personAliases: string };

  constructor(
    private readonly connection: ClickHouseConnection,
    tables: Tables,
  ) {
    this.tables = { events: tables.events.text, personAliases: tables.personAliases.text };
  }

  async query<T = Record<string, unknown>>(sql: string, params: Record<string, QueryValue> = {}): Promise<T[]> {
    const rows = await this.connection.rows<Record<string, JsonScalar>>(trustedSql(bindPlaceholders(sql, params)), {
      // Int64/UInt64 as JSON numbers, like DuckDB's rows after plain(): counts and epoch ms stay below 2^53.
      output_format_json_quote_64bit_integers: 0,
    });
    return rows as T[];
  }

  /** Materialised, then handed over row by row: ClickHouse does the heavy part server-side, and the rows are small. */
  async forEachRow<T = Record<string, unknown>>(sql: string, params: Record<string, QueryValue>, onRow: (row: T) => void): Promise<void> {
    const rows = await this.query<Record<string, unknown>>(sql, params);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      for (const [name, value] of Object.entries(row)) if (isPairList(value)) row[name] = keyedList(value);
      onRow(row as T);
      (rows as unknown[])[i] = undefined;
    }
  }
}
