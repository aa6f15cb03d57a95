// Runs every test file under test/ with Node's test runner (TypeScript through tsx), one file at a time
// so servers and data folders from different files never share a port or a machine core mid-benchmark.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.test.ts')) files.push(path.relative(root, full));
  }
})(path.join(root, 'test'));
const selected = only.length > 0 ? files.filter((f) => only.some((o) => f.includes(o))) : files;
selected.sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...selected],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
