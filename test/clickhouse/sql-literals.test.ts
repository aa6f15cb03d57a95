import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClickHouseConnection } from '../../src/store/event-store/clickhouse/connection.js';
import { parseClickHouseUrl } from '../../src/store/event-store/clickhouse/connection-url.js';
import { identifier, numberLiteral, sql, stringLiteral } from '../../src/store/event-store/clickhouse/sql-literals.js';

/** Inputs that would end, comment out or re-open a literal if escaping were wrong. */
const HOSTILE_STRINGS = [
  '',
  "'",
  "''",
  "' OR 1=1 --",
  "x' OR '1'='1",
  "'; DROP DATABASE default; --",
  '\\',
  "\\'",
  "\\' OR 1=1 --",
  'ends with a backslash \\',
  '\\\\\'',
  '\\x27 OR 1=1',
  '\\0\\n\\t',
  'line\nbreak\r\nand\ttab',
  'NUL \0 in the middle',
  '\b\f\v\x07\x1b',
  '`backtick` "double" /* comment */ -- dash',
  '{p:String} ? $1 :name %s',
  'ü 日本 😀 \u2028\u2029',
];

describe('ClickHouse SQL literals', () => {
  it('escapes backslashes before quotes, so no input can close its literal', () => {
    assert.equal(stringLiteral("it's"), "'it\\'s'");
    assert.equal(stringLiteral('a\\'), "'a\\\\'");
    assert.equal(stringLiteral("\\'"), "'\\\\\\''");
    assert.equal(stringLiteral('a\nb\0'), "'a\\nb\\0'");
    for (const value of HOSTILE_STRINGS) {
      const body = stringLiteral(value).slice(1, -1);
      // Every quote in the body is preceded by an odd number of backslashes (escaped, not closing).
      for (const match of body.matchAll(/(\\*)'/g)) assert.equal(match[1]!.length % 2, 1, `unescaped quote for ${JSON.stringify(value)}`);
      assert.equal(/(^|[^\\])(\\\\)*\\$/.test(body), false, `dangling backslash for ${JSON.stringify(value)}`);
    }
  });

  it('renders numbers, refusing what ClickHouse would misread', () => {
    assert.equal(numberLiteral(42), '42');
    assert.equal(numberLiteral(-1), '(-1)'); // `x - ${n}` must not become `x--1`, a comment
    assert.equal(numberLiteral(12.5), '12.5');
    assert.equal(sql`SELECT 1 - ${-1}`.text, 'SELECT 1 - (-1)');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) assert.throws(() => numberLiteral(bad));
  });

  it('renders lists, NULL and booleans, and refuses an empty list', () => {
    assert.equal(sql`x IN (${['a', "b'"]})`.text, "x IN ('a', 'b\\'')");
    assert.equal(sql`${null}, ${true}, ${false}`.text, 'NULL, 1, 0');
    assert.throws(() => sql`x IN (${[]})`);
  });

  it('accepts only plain identifiers', () => {
    assert.equal(identifier('ct_test_01').text, '`ct_test_01`');
    for (const bad of ['', '1abc', 'a-b', 'a`b', 'a b', 'db.table', "a'"]) assert.throws(() => identifier(bad), new RegExp('identifier'));
  });
});

/** The same strings through a real server: each literal must come back as exactly the string that went in. */
describe('ClickHouse SQL literals on a server', () => {
  const url = process.env.CRUMBTRAIL_TEST_CLICKHOUSE_URL ?? 'clickhouse://default@127.0.0.1:18123';
  let connection: ClickHouseConnection | undefined;
  let unavailable = '';
  before(async () => {
    try {
      connection = await ClickHouseConnection.open(parseClickHouseUrl(url));
    } catch (error) {
      unavailable = `no ClickHouse server (${(error as Error).message}); start one with scripts/ci/clickhouse.sh`;
    }
  });
  after(async () => connection?.close());

  it('round-trips hostile strings unchanged', async (t) => {
    if (!connection) return t.skip(unavailable);
    for (const value of HOSTILE_STRINGS) {
      const rows: { v: string; n: string }[] = await connection.rows(sql`SELECT ${value} AS v, count() AS n FROM system.one WHERE ${value} = ${value}`);
      assert.deepEqual(rows, [{ v: value, n: '1' }], `round trip of ${JSON.stringify(value)}`);
    }
  });

  it('keeps an injection attempt inside its literal', async (t) => {
    if (!connection) return t.skip(unavailable);
    const rows: { n: string }[] = await connection.rows(sql`SELECT count() AS n FROM system.one WHERE ${"x' OR 1=1 OR 'x"} = 'y'`);
    assert.deepEqual(rows, [{ n: '0' }]);
  });
});
