import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { planDemo } from '../../src/demo/generate.js';
import { runCrumbtrail } from '../support/import.js';
import { tempDataDir } from '../support/server.js';

// The command's wiring (flags, report, exit codes) on a data folder; the ingestion itself is test/demo/ingest.test.ts.
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const demoCli = (args: string[]) => runCrumbtrail(['demo', ...args]);

describe('crumbtrail demo (CLI)', () => {
  test('loads a small history into a data folder and reports it', async () => {
    const dir = tempDataDir('crumbtrail-demo-cli-');
    dirs.push(dir);
    const end = '2026-02-01T00:00:00.000Z';
    const result = await demoCli(['--customers', '12', '--days', '30', '--seed', '9', '--end', end, '-d', path.join(dir, 'data'), '--json', '--no-progress']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    const expected = [...planDemo({ customers: 12, days: 30, seed: 9, endMs: Date.parse(end) }).events].length;
    assert.equal(summary.events, expected);
    assert.equal(summary.totals.accepted, expected);
    assert.equal(summary.expectedPeople, 18);
    assert.match(result.stderr, /Loaded the demo shop history/);
    assert.match(result.stderr, new RegExp(`reproduce: +crumbtrail demo --customers 12 --days 30 --seed 9 --end ${end.replace(/\./g, '\\.')}`));
  });

  test('a bad option is a clear error, before anything is opened', async () => {
    const [bad, badEnd] = await Promise.all([demoCli(['--customers', 'lots']), demoCli(['--end', 'yesterday'])]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--customers must be a whole number \(got "lots"\)/);
    assert.equal(badEnd.code, 1);
    assert.match(badEnd.stderr, /--end must be a date such as 2026-01-01T00:00:00Z/);
  });
});
