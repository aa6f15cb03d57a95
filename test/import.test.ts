import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fileNamespace, sideFileCheckpointPath } from '../src/cli/import/checkpoint.js';
import { settingsFingerprint } from '../src/cli/import/options.js';
import { runImport } from '../src/cli/import/run.js';
import { coerceValue, toIsoTimestamp } from '../src/cli/import/values.js';
import type { ImportOptions } from '../src/cli/import/options.js';
import { loadConfig } from '../src/core/config.js';
import { deriveMessageId } from '../src/core/ids.js';
import { createLogger } from '../src/core/logger.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { startTestServer, tempDataDir, WRITE_KEY, type TestServer } from './support/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CDNOW_MASTER = fileURLToPath(new URL('../../shared/data/cdnow/CDNOW_master.txt', import.meta.url));

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder holding a data folder (`data/`) and the files to import. */
function workspace(): { dir: string; dataDir: string; write(name: string, content: string | Buffer): string } {
  const dir = tempDataDir('crumbtrail-import-');
  cleanup.push(dir);
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
  };
}

const ndjson = (events: unknown[], eol = '\n') => events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(eol) + eol;

/** runImport with status messages collected instead of printed. */
async function importFile(options: ImportOptions) {
  const messages: string[] = [];
  const summary = await runImport({ log: (m) => messages.push(m), ...options });
  return { summary, messages };
}

async function withRuntime<T>(dataDir: string, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir, logLevel: 'silent' }, {});
  const runtime = await createRuntime(config, { logger: createLogger('silent'), defaultMetrics: false });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

/** The person as the admin API shows them: state (ids, traits) plus activity from the event log. */
async function profileOf(runtime: Runtime, userId: string) {
  const personId = await runtime.state.findPersonId({ userId });
  assert.ok(personId, `no person for userId ${userId}`);
  const profile = (await runtime.state.getProfile(personId))!;
  const activity = await runtime.events.personActivity([profile.personId, ...profile.mergedPersonIds]);
  assert.ok(activity, `no events for userId ${userId}`);
  return { ...profile, ...activity };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRUMBTRAIL_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('import: NDJSON in-process', () => {
  test('imports events into the data folder, with stable message ids', async () => {
    const ws = workspace();
    const file = ws.write('events.ndjson', ndjson([
      { type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: 'ada@example.com', plan: 'pro' } },
      // As in a Segment export: sentAt from the original delivery must not re-date the event to the import time.
      { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 42.5 }, timestamp: '2024-03-01T10:00:00Z', sentAt: '2024-03-01T10:00:05Z' },
      { type: 'page', anonymousId: 'a1', name: 'Home' },
      { type: 'track', userId: 'u2', event: 'Signed Up', messageId: 'given-id-1' },
    ]));
    const { summary } = await importFile({ file, dataDir: ws.dataDir });
    assert.equal(summary.format, 'ndjson');
    assert.deepEqual(
      { lines: summary.lines, accepted: summary.accepted, dropped: summary.dropped, malformed: summary.malformed, resumedFrom: summary.resumedFrom },
      { lines: 4, accepted: 4, dropped: 0, malformed: 0, resumedFrom: null },
    );
    assert.deepEqual(fs.readdirSync(path.join(ws.dataDir, 'imports')), [], 'the checkpoint is removed on success');

    const namespace = await fileNamespace(file, fs.statSync(file).size);
    await withRuntime(ws.dataDir, async (runtime) => {
      assert.equal(await runtime.events.countEvents(), 4);
      const ada = await profileOf(runtime, 'u1');
      assert.equal(ada.email, 'ada@example.com');
      assert.equal(ada.traits.plan, 'pro');
      assert.deepEqual(ada.anonymousIds, ['a1']);
      assert.deepEqual(ada.eventCounts, { $identify: 1, 'Order Completed': 1, $page: 1 });
      const timeline = await runtime.events.timeline({ personIds: [ada.personId], limit: 10 });
      const order = timeline.find((e) => e.event === 'Order Completed')!;
      assert.equal(order.messageId, deriveMessageId(namespace, '2'));
      assert.equal(order.revenue, 42.5);
      assert.equal(order.timestamp, Date.parse('2024-03-01T10:00:00Z'));
      const u2 = await profileOf(runtime, 'u2');
      const [signup] = await runtime.events.timeline({ personIds: [u2.personId], limit: 10 });
      assert.equal(signup!.messageId, 'given-id-1', 'a messageId in the file is kept');
    });
  });

  test('reports malformed lines with their numbers and imports the rest', async () => {
    const ws = workspace();
    const file = ws.write('mixed.jsonl', ndjson([
      { type: 'track', userId: 'u1', event: 'Good 1' },
      '{"type":"track", oops',
      '',
      { type: 'track', userId: 'u1', event: 'Wrong type', properties: 'x' },
      { type: 'track', event: 'No ids' },
      { userId: 'u1', event: 'No type' },
      '   ',
      { type: 'track', userId: 'u1', event: 'Good 2' },
    ]));
    const { summary } = await importFile({ file, dataDir: ws.dataDir });
    assert.equal(summary.lines, 6, 'blank lines are skipped, not counted');
    assert.equal(summary.accepted, 2);
    assert.deepEqual(summary.drops, { missing_id: 1 });
    assert.equal(summary.dropped, 1);
    assert.equal(summary.malformed, 3);
    assert.deepEqual(summary.malformedLines.map((m) => m.line), [2, 4, 6]);
    assert.match(summary.malformedLines[0]!.message, /^CT_INVALID_JSON /);
    assert.match(summary.malformedLines[1]!.message, /^CT_INVALID_EVENT properties: /);
    assert.match(summary.malformedLines[2]!.message, /^CT_INVALID_EVENT type: /);
    await withRuntime(ws.dataDir, async (runtime) => {
      assert.equal(await runtime.events.countEvents(), 2);
      assert.deepEqual((await profileOf(runtime, 'u1')).eventCounts, { 'Good 1': 1, 'Good 2': 1 });
      assert.equal((await runtime.state.stats()).drops.missing_id, 1, 'drops are recorded like the server records them');
    });
  });

  test('importing the same file again stores nothing new', async () => {
    const ws = workspace();
    const events = Array.from({ length: 30 }, (_, i) => ({ type: 'track', userId: `u${i % 7}`, event: 'Viewed', properties: { i } }));
    const file = ws.write('again.ndjson', ndjson(events));
    const first = await importFile({ file, dataDir: ws.dataDir, batchSize: 8 });
    assert.equal(first.summary.accepted, 30);
    const second = await importFile({ file, dataDir: ws.dataDir, batchSize: 8 });
    assert.equal(second.summary.accepted, 0);
    assert.equal(second.summary.dropped, 30);
    assert.deepEqual(second.summary.drops, { duplicate: 30 });
    await withRuntime(ws.dataDir, async (runtime) => {
      assert.equal(await runtime.events.countEvents(), 30);
      assert.equal((await profileOf(runtime, 'u0')).eventCounts.Viewed, 5);
    });
  });
});

describe('import: resuming', () => {
  const lines = Array.from({ length: 25 }, (_, i) =>
    i === 4 ? 'not json' : { type: 'track', userId: `u${i}`, event: 'Step', properties: { line: i + 1 } },
  );

  test('an interrupted import resumes after its checkpoint and reports the whole file', async () => {
    const ws = workspace();
    const file = ws.write('resume.ndjson', ndjson(lines));
    const namespace = await fileNamespace(file, fs.statSync(file).size);
    const checkpointFile = path.join(ws.dataDir, 'imports', `${namespace}.json`);

    const first = await importFile({ file, dataDir: ws.dataDir, batchSize: 10, stopAfterBatches: 1 });
    assert.equal(first.summary.interrupted, true);
    assert.equal(first.summary.accepted, 10);
    assert.equal(first.summary.malformed, 1);
    const saved = JSON.parse(fs.readFileSync(checkpointFile, 'utf8'));
    // 10 events queued = 11 lines read (line 5 is malformed); the checkpoint ends just past line 11.
    assert.equal(saved.lineNumber, 11);
    assert.equal(saved.byteOffset, Buffer.byteLength(ndjson(lines.slice(0, 11))));
    assert.equal(saved.namespace, namespace);

    const second = await importFile({ file, dataDir: ws.dataDir, batchSize: 10 });
    assert.match(second.messages.join('\n'), /Resuming .* after line 11/);
    assert.deepEqual(second.summary.resumedFrom, { afterLine: 11, byteOffset: saved.byteOffset });
    assert.equal(second.summary.interrupted, false);
    assert.deepEqual(
      { lines: second.summary.lines, accepted: second.summary.accepted, dropped: second.summary.dropped, malformed: second.summary.malformed },
      { lines: 25, accepted: 24, dropped: 0, malformed: 1 },
      'totals cover both runs, and nothing was sent twice (no duplicates)',
    );
    assert.deepEqual(second.summary.malformedLines.map((m) => m.line), [5]);
    assert.equal(fs.existsSync(checkpointFile), false);
    await withRuntime(ws.dataDir, async (runtime) => assert.equal(await runtime.events.countEvents(), 24));
  });

  test('a hand-written checkpoint saying half of a CRLF file is done imports only the rest', async () => {
    const ws = workspace();
    const events = Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: `p${i + 1}`, event: 'Half' }));
    const file = ws.write('crlf.ndjson', ndjson(events, '\r\n'));
    const size = fs.statSync(file).size;
    const namespace = await fileNamespace(file, size);
    const byteOffset = Buffer.byteLength(ndjson(events.slice(0, 10), '\r\n'));
    fs.mkdirSync(path.join(ws.dataDir, 'imports'), { recursive: true });
    fs.writeFileSync(
      path.join(ws.dataDir, 'imports', `${namespace}.json`),
      JSON.stringify({
        version: 1,
        file,
        size,
        namespace,
        settings: settingsFingerprint('ndjson', null),
        byteOffset,
        lineNumber: 10,
        totals: { lines: 10, accepted: 9, dropped: 1, drops: { missing_id: 1 }, malformed: 0, malformedLines: [] },
        updatedAt: new Date().toISOString(),
      }),
    );
    const { summary } = await importFile({ file, dataDir: ws.dataDir });
    assert.deepEqual(summary.resumedFrom, { afterLine: 10, byteOffset });
    assert.deepEqual(
      { lines: summary.lines, accepted: summary.accepted, dropped: summary.dropped, drops: summary.drops },
      { lines: 20, accepted: 19, dropped: 1, drops: { missing_id: 1 } },
    );
    await withRuntime(ws.dataDir, async (runtime) => {
      assert.equal(await runtime.events.countEvents(), 10, 'only lines 11-20 were imported');
      assert.equal(await runtime.state.findPersonId({ userId: 'p10' }), null);
      const p11 = await runtime.state.findPersonId({ userId: 'p11' });
      assert.ok(p11);
      const [event] = await runtime.events.timeline({ personIds: [p11], limit: 1 });
      assert.equal(event!.messageId, deriveMessageId(namespace, '11'), 'line numbers continue from the checkpoint');
    });
  });

  test('--restart ignores the checkpoint; changed options refuse to resume', async () => {
    const ws = workspace();
    const file = ws.write('restart.ndjson', ndjson(lines));
    await importFile({ file, dataDir: ws.dataDir, batchSize: 10, stopAfterBatches: 1 });
    const restarted = await importFile({ file, dataDir: ws.dataDir, batchSize: 10, restart: true });
    assert.equal(restarted.summary.resumedFrom, null);
    assert.equal(restarted.summary.accepted, 14);
    assert.deepEqual(restarted.summary.drops, { duplicate: 10 }, 'the first 10 were sent again and deduplicated');

    await importFile({ file, dataDir: ws.dataDir, batchSize: 10, stopAfterBatches: 1, restart: true });
    const asCsv = { header: false, columns: ['json'], delimiter: 'whitespace', event: 'E', map: { userId: 'json' } };
    await assert.rejects(importFile({ file, dataDir: ws.dataDir, format: 'csv', csv: asCsv }), /used other options.*--restart/s);
  });
});

describe('import: CSV', () => {
  const cdnowMissing = fs.existsSync(CDNOW_MASTER) ? false : `CDNOW data not found at ${CDNOW_MASTER}`;

  test('CDNOW excerpt: whitespace separated, CRLF, mapped to Order Completed', { skip: cdnowMissing }, async () => {
    const ws = workspace();
    const master = fs.readFileSync(CDNOW_MASTER);
    let end = 0;
    for (let i = 0; i < 31; i++) end = master.indexOf(0x0a, end) + 1; // header + 30 purchase lines, CRLF kept
    const file = ws.write('cdnow.txt', master.subarray(0, end));
    const { summary } = await importFile({
      file,
      dataDir: ws.dataDir,
      batchSize: 7,
      csv: {
        delimiter: 'whitespace',
        event: 'Order Completed',
        map: { userId: 'customer_id', timestamp: 'date', 'properties.quantity': 'number_of_cds', 'properties.revenue': 'dollar_value' },
      },
    });
    assert.equal(summary.format, 'csv', '.txt defaults to csv');
    assert.deepEqual(
      { lines: summary.lines, accepted: summary.accepted, dropped: summary.dropped, malformed: summary.malformed },
      { lines: 30, accepted: 30, dropped: 0, malformed: 0 },
    );

    // Figures added up by hand from the 30 lines (customer: orders, CDs, dollars).
    const expected: Record<string, [number, number, number]> = {
      '00001': [1, 1, 11.77],
      '00002': [2, 6, 89.0],
      '00003': [6, 16, 156.46],
      '00004': [4, 7, 100.5],
      '00005': [11, 29, 385.61],
      '00006': [1, 1, 20.99],
      '00007': [3, 18, 264.67],
      '00008': [2, 2, 23.74],
    };
    await withRuntime(ws.dataDir, async (runtime) => {
      assert.equal(await runtime.events.countEvents(), 30);
      assert.equal((await runtime.state.stats()).people, 8);
      let revenue = 0;
      let cds = 0;
      for (const [userId, [orders, quantity, dollars]] of Object.entries(expected)) {
        const profile = await profileOf(runtime, userId);
        assert.deepEqual(profile.userIds, [userId], 'zero-padded ids stay strings');
        assert.deepEqual(profile.eventCounts, { 'Order Completed': orders });
        const events = await runtime.events.timeline({ personIds: [profile.personId], limit: 100 });
        const sum = events.reduce((s, e) => s + e.revenue!, 0);
        assert.equal(Math.round(sum * 100) / 100, dollars, `revenue of ${userId}`);
        assert.equal(events.reduce((s, e) => s + (e.properties.quantity as number), 0), quantity, `CDs of ${userId}`);
        revenue += sum;
        cds += quantity;
      }
      assert.equal(Math.round(revenue * 100) / 100, 1052.74);
      assert.equal(cds, 80);
      const c5 = await profileOf(runtime, '00005');
      assert.equal(c5.firstSeen, Date.UTC(1997, 0, 1));
      assert.equal(c5.lastSeen, Date.UTC(1998, 0, 3));
      const [latest] = await runtime.events.timeline({ personIds: [c5.personId], limit: 1 });
      assert.deepEqual(latest!.properties, { quantity: 3, revenue: 37.47 });
    });
  });

  test('comma CSV without a header: identify rows, traits, coercion, bad rows', async () => {
    const ws = workspace();
    const file = ws.write(
      'people.csv',
      ['42,ada@example.com,02139,12.50,1700000000', '"7","grace@example.com, navy",10001,3,1700000000000', '9,x@example.com,1', '8,bad@example.com,1,1,notadate'].join('\n'),
    );
    const { summary } = await importFile({
      file,
      dataDir: ws.dataDir,
      csv: {
        header: false,
        columns: ['id', 'email', 'zip', 'balance', 'seen'],
        type: 'identify',
        map: { userId: 'id', 'traits.email': 'email', 'traits.zip': 'zip', 'traits.balance': 'balance', timestamp: 'seen' },
      },
    });
    assert.equal(summary.accepted, 2);
    assert.deepEqual(summary.malformedLines, [
      { line: 3, message: 'expected 5 columns (id, email, zip, balance, seen), got 3' },
      { line: 4, message: 'timestamp "notadate" is not a date' },
    ]);
    await withRuntime(ws.dataDir, async (runtime) => {
      const ada = await profileOf(runtime, '42');
      assert.deepEqual(ada.traits, { email: 'ada@example.com', zip: '02139', balance: 12.5 });
      assert.equal(ada.firstSeen, 1_700_000_000_000, 'epoch seconds');
      const grace = await profileOf(runtime, '7');
      assert.equal(grace.traits.email, 'grace@example.com, navy', 'quoted field with the delimiter');
      assert.equal(grace.firstSeen, 1_700_000_000_000, 'epoch milliseconds');
    });
  });

  test('mapping mistakes fail before anything is written', async () => {
    const ws = workspace();
    const file = ws.write('orders.csv', 'customer,total\nc1,10\n');
    await assert.rejects(runImport({ file, dataDir: ws.dataDir, csv: { map: { userId: 'customer' } } }), /need an event name/);
    await assert.rejects(runImport({ file, dataDir: ws.dataDir, csv: { event: 'E', map: { userId: 'cust' } } }), /no column "cust" \(columns: customer, total\)/);
    await assert.rejects(runImport({ file, dataDir: ws.dataDir, csv: { event: 'E', map: { revenue: 'total' } } }), /unknown target "revenue"/);
    assert.equal(fs.existsSync(ws.dataDir), false);
  });

  test('cell values: numbers, ids, timestamps', () => {
    assert.equal(coerceValue('12.50'), 12.5);
    assert.equal(coerceValue('0'), 0);
    assert.equal(coerceValue('-3'), -3);
    assert.equal(coerceValue('00001'), '00001');
    assert.equal(coerceValue('1,5'), '1,5');
    assert.equal(toIsoTimestamp('19970101', 'auto'), '1997-01-01T00:00:00.000Z');
    assert.equal(toIsoTimestamp('1700000000', 'auto'), '2023-11-14T22:13:20.000Z');
    assert.equal(toIsoTimestamp('1700000000000', 'auto'), '2023-11-14T22:13:20.000Z');
    assert.equal(toIsoTimestamp('1700000000', 'epoch-ms'), '1970-01-20T16:13:20.000Z');
    assert.equal(toIsoTimestamp('2024-02-29T12:00:00+01:00', 'iso'), '2024-02-29T11:00:00.000Z');
    assert.throws(() => toIsoTimestamp('19970230', 'yyyymmdd'), /not a valid date/);
  });
});

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
