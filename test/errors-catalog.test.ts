import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { ERROR_CATALOG } from '../src/core/errors.js';

it('docs/errors.md lists exactly the catalogued codes, statuses and messages', () => {
  const doc = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map<string, { status: number; message: string }>();
  for (const match of doc.matchAll(/^\| `(CT_[A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)) {
    documented.set(match[1]!, { status: Number(match[2]), message: match[3]!.replace(/\\\|/g, '|') });
  }
  assert.deepEqual(Object.fromEntries(documented), ERROR_CATALOG);
});
