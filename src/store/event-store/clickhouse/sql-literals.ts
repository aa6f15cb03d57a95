import type { QueryValue } from '../port.js';

/**
 * SQL text with every value rendered as a ClickHouse literal. ClickHouse 18.16 has no server-side query
 * parameters (`{name:Type}` arrived in 19.x; 18.16 answers "Unknown setting param_…"), so values are escaped
 * here, and only here: queries are built with the `sql` tag, whose interpolations are always values (or
 * other `Sql` fragments), never raw text.
 *
 * String literal rules (https://clickhouse.com/docs/en/sql-reference/syntax#string): a literal is quoted with
 * single quotes; inside it a backslash starts an escape sequence and `\'` is a quote. Escaping the backslash
 * first and then the quote is therefore enough to keep any input inside its literal; control characters are
 * escaped too so the query text stays one readable line (and NUL never reaches a C string on the server).
 */
export class Sql {
  /** Use `sql`, `identifier` or `trustedSql` rather than this constructor. */
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type SqlValue = QueryValue | Sql;

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A string as a single-quoted ClickHouse literal. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/[\\'\0\b\f\n\r\t]/g, (c) => ESCAPES[c]!)}'`;
}

/**
 * A finite number as a literal. Negative numbers are parenthesised: spliced after a minus sign, `x - -1`
 * would otherwise become `x--1`, and `--` starts a comment.
 */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Cannot use ${value} as a ClickHouse number literal`);
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new Error(`Integer ${value} is beyond 2^53 and would lose precision as a literal`);
  }
  const text = String(value);
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}

/** A plain identifier (database, table, column) in backticks; anything else is refused, not escaped. */
export function identifier(name: string): Sql {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a plain SQL identifier: "${name}"`);
  return new Sql(`\`${name}\``);
}

/** Text written by this adapter (column lists, type names); never pass anything derived from input. */
export function trustedSql(text: string): Sql {
  return new Sql(text);
}

/** A value as a ClickHouse literal; a list as an array literal `[…]`, which may be empty. */
export function valueLiteral(value: QueryValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return `[${listItems(value)}]`;
}

function listItems(values: readonly string[] | readonly number[]): string {
  return values.map((v: string | number) => (typeof v === 'string' ? stringLiteral(v) : numberLiteral(v))).join(', ');
}

/** In the `sql` tag a list is spliced bare, for `IN (${list})`. */
function literal(value: SqlValue): string {
  if (value instanceof Sql) return value.text;
  if (value === null || typeof value !== 'object') return valueLiteral(value);
  // An empty IN () is a syntax error; callers answer an empty list without asking the server.
  if (value.length === 0) throw new Error('Cannot render an empty list as a ClickHouse literal');
  return listItems(value);
}

/** Tagged template: sql`SELECT … WHERE node_id = ${nodeId}` renders `nodeId` as an escaped literal. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += literal(value) + strings[i + 1]!;
  });
  return new Sql(text);
}
