import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sideFileCheckpointPath } from '../../src/cli/import/checkpoint.js';
import { runImport } from '../../src/cli/import/run.js';
import { startTestServer, tempDataDir, WRITE_KEY, type TestServer } from '../support/server.js';
import { cleanup, importFile, ndjson, runCli, withRuntime, workspace } from '../support/import.js';

describe('import: HTTP mode', () => {
  let server: TestServer | null = null;
  after(async () => {
    await server?.close();
  });

  test('posts batches to /v1/batch, checks lines locally, resumes from a side-file checkpoint', async () => {
    server = await startTestServer();
    cleanup.push(server.dataDir);
    const ws = workspace();
    const events: unknown[] = Array.from({ length: 12 }, (_, i) => ({ type: 'track', userId: `h${i}`, event: 'Remote', properties: { revenue: i } }));
    events[2] = { type: 'track', userId: 'h2', event: 'Remote', properties: 'x' };
    events[3] = { type: 'track', event: 'Remote' };
    const file = ws.write('remote.ndjson', ndjson(events));
    const sideFile = sideFileCheckpointPath(file);

    const first = await importFile({ file, url: server.url, writeKey: WRITE_KEY, batchSize: 5, stopAfterBatches: 1 });
    assert.equal(first.summary.interrupted, true);
    assert.equal(fs.existsSync(sideFile), true, 'the checkpoint sits next to the file');
    assert.equal(JSON.parse(fs.readFileSync(sideFile, 'utf8')).lineNumber, 6);

    const second = await importFile({ file, url: server.url, writeKey: WRITE_KEY, batchSize: 5 });
    assert.deepEqual(second.summary.resumedFrom?.afterLine, 6);
    assert.deepEqual(
      { lines: second.summary.lines, accepted: second.summary.accepted, drops: second.summary.drops, malformed: second.summary.malformedLines },
      {
        lines: 12,
        accepted: 10,
        drops: { missing_id: 1 },
        malformed: [{ line: 3, message: 'CT_INVALID_EVENT properties: Invalid input: expected record, received string' }],
      },
    );
    assert.equal(fs.existsSync(sideFile), false);
    assert.equal(await server.runtime.events.countEvents(), 10);
    const stats = await server.admin<{ events: number; drops: Record<string, number> }>('/api/stats');
    assert.equal(stats.body.events, 10);
    assert.equal(stats.body.drops.missing_id, 1, 'the server counted the drop itself');

    const again = await importFile({ file, url: server.url, writeKey: WRITE_KEY });
    assert.deepEqual(again.summary.drops, { missing_id: 1, duplicate: 10 });

    await assert.rejects(runImport({ file, url: server.url, writeKey: 'wrong-key-0123456789', restart: true, log: () => {} }), /401 CT_INVALID_WRITE_KEY/);
  });
});


describe('import: the CLI', () => {
  test('crumbtrail import FILE --json prints the summary; malformed lines do not fail the run', async () => {
    const ws = workspace();
    const file = ws.write('cli.ndjson', ndjson([{ type: 'track', userId: 'c1', event: 'Cli' }, '{nope', { type: 'identify', userId: 'c1', traits: { name: 'C' } }]));
    const result = await runCli([file, '-d', ws.dataDir, '--json', '--no-progress']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.file, file);
    assert.equal(summary.format, 'ndjson');
    assert.equal(summary.lines, 3);
    assert.equal(summary.accepted, 2);
    assert.equal(summary.malformed, 1);
    assert.equal(summary.malformedLines[0].line, 2);
    assert.equal(summary.resumedFrom, null);
    assert.match(result.stderr, /imported: +2/);
    assert.match(result.stderr, /line 2: CT_INVALID_JSON/);
    await withRuntime(ws.dataDir, async (runtime) => assert.equal(await runtime.events.countEvents(), 2));
  });

  test('CSV options on the command line, and fatal errors exit 1 with a message', async () => {
    const ws = workspace();
    const file = ws.write('orders.tsv', 'customer\twhen\ttotal\nc1\t20240101\t9.99\nc2\t20240102\t5\n');
    const ok = await runCli([file, '-d', ws.dataDir, '--event', 'Order Completed', '--map', 'userId=customer,timestamp=when,properties.revenue=total', '--no-progress', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).accepted, 2, '.tsv is csv with tabs');

    const missing = await runCli([path.join(ws.dir, 'nope.ndjson'), '-d', ws.dataDir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such file: .*nope\.ndjson/);

    const badMap = await runCli([file, '-d', ws.dataDir, '--map', 'userId']);
    assert.equal(badMap.code, 1);
    assert.match(badMap.stderr, /--map: "userId" is not target=column/);
  });

  test('a data folder held by a running server is refused with a hint to use --url', async () => {
    // An embedded server on both engine pairs: the lock in question is DuckDB's on the data folder.
    const embedded = tempDataDir();
    cleanup.push(embedded);
    const running = await startTestServer({ stores: { dataDir: embedded, cleanup: async () => {} } });
    try {
      const ws = workspace();
      const file = ws.write('locked.ndjson', ndjson([{ type: 'track', userId: 'l1', event: 'Locked' }]));
      const result = await runCli([file, '-d', running.dataDir, '--no-progress']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /in use by another Crumbtrail process.*--url/s);
    } finally {
      await running.close();
    }
  });
});
