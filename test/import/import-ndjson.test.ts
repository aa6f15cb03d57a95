import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileNamespace } from '../../src/cli/import/checkpoint.js';
import { settingsFingerprint } from '../../src/cli/import/options.js';
import { deriveMessageId } from '../../src/core/ids.js';
import { importFile, ndjson, profileOf, withRuntime, workspace } from '../support/import.js';

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
