// The tracker's build: one minified IIFE within the gzip budget, no runtime dependencies (everything
// it needs is bundled from tracker/src; an import left unresolved would fail the bundle). Engine-independent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTracker, TRACKER_GZIP_BUDGET_BYTES } from '../../src/web/tracker-build.js';
import { VERSION } from '../../src/core/version.js';

describe('crumbtrail.js build', () => {
  it(`stays within ${TRACKER_GZIP_BUDGET_BYTES} bytes gzipped and is one self-contained IIFE`, async () => {
    const build = await buildTracker();
    console.log(`crumbtrail.js: ${build.bytes} bytes minified, ${build.gzipBytes} bytes gzipped (budget ${TRACKER_GZIP_BUDGET_BYTES})`);
    assert.ok(build.gzipBytes <= TRACKER_GZIP_BUDGET_BYTES, `${build.gzipBytes} bytes gzipped is over the budget`);
    assert.ok(build.gzipBytes > 1000, 'a suspiciously small build: did the entry point change?');
    assert.match(build.code, /^\/\*! crumbtrail\.js /);
    assert.ok(build.code.includes(JSON.stringify(VERSION)), 'the library version is baked in');
    assert.doesNotMatch(build.code, /\brequire\(|\bimport\(|^import /m, 'no module loading at run time');
  });
});
