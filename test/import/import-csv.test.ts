import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { runImport } from '../../src/cli/import/run.js';
import { coerceValue, toIsoTimestamp } from '../../src/cli/import/values.js';
import { CDNOW_MASTER, importFile, profileOf, withRuntime, workspace } from '../support/import.js';

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
        assert.equal(events.reduce((s, e) => s + (JSON.parse(e.json.properties).quantity as number), 0), quantity, `CDs of ${userId}`);
        revenue += sum;
        cds += quantity;
      }
      assert.equal(Math.round(revenue * 100) / 100, 1052.74);
      assert.equal(cds, 80);
      const c5 = await profileOf(runtime, '00005');
      assert.equal(c5.firstSeen, Date.UTC(1997, 0, 1));
      assert.equal(c5.lastSeen, Date.UTC(1998, 0, 3));
      const [latest] = await runtime.events.timeline({ personIds: [c5.personId], limit: 1 });
      assert.deepEqual(JSON.parse(latest!.json.properties), { quantity: 3, revenue: 37.47 });
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
