// Runs every test file under test/ with Node's test runner (TypeScript through tsx), one file at a time, once
// per engine pair: embedded (DuckDB + SQLite) always, scale-out (ClickHouse + PostgreSQL) when
// CRUMBTRAIL_TEST_CLICKHOUSE_URL and CRUMBTRAIL_TEST_POSTGRES_URL name running servers (.ci/run starts them;
// locally: `bash scripts/ci/clickhouse.sh && bash scripts/ci/postgres.sh`, then export the URLs they print).
// CRUMBTRAIL_TEST_PAIRS=embedded|scaleout|embedded,scaleout overrides the choice. Arguments filter files by path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.test.ts')) files.push(path.relative(root, full));
  }
})(path.join(root, 'test'));
const selected = (only.length > 0 ? files.filter((f) => only.some((o) => f.includes(o))) : files).sort();
// With no file arguments `node --test` would discover every test it can find (dist/ included): refuse instead.
if (selected.length === 0) {
  console.error(`no test file under test/ matches ${only.map((o) => `"${o}"`).join(' or ')}`);
  process.exit(2);
}

const scaleOutConfigured = Boolean(process.env.CRUMBTRAIL_TEST_CLICKHOUSE_URL && process.env.CRUMBTRAIL_TEST_POSTGRES_URL);
const pairs = (process.env.CRUMBTRAIL_TEST_PAIRS ?? (scaleOutConfigured ? 'embedded,scaleout' : 'embedded')).split(',');
const ENGINES = { embedded: 'duckdb,sqlite', scaleout: 'clickhouse,postgres' };

let status = 0;
for (const pair of pairs) {
  if (!ENGINES[pair]) throw new Error(`unknown engine pair "${pair}" (embedded or scaleout)`);
  console.log(`\n# engine pair: ${pair} (${ENGINES[pair]})\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...selected],
    { cwd: root, stdio: 'inherit', env: { ...process.env, CRUMBTRAIL_TEST_PAIR: pair, CRUMBTRAIL_TEST_ENGINES: ENGINES[pair] } },
  );
  status = status || (result.status ?? 1);
}
if (!pairs.includes('scaleout')) {
  console.log('\n# scale-out pair (ClickHouse + PostgreSQL) not run: CRUMBTRAIL_TEST_CLICKHOUSE_URL / CRUMBTRAIL_TEST_POSTGRES_URL are not set');
}
process.exit(status);
