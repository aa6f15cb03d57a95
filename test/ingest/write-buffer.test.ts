import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRequest } from '../../src/ingest/encoded-request.js';
import { WriteBuffer, type BufferEntry, type EntryOutcome } from '../../src/ingest/write-buffer.js';
import { preparedEvent } from '../support/events.js';

// Group commit timing, on an injected clock: the interval is a minute, so no real timer can fire during a test.

const INTERVAL_MS = 60_000;

function entry(id: string): BufferEntry {
  return { request: encodeRequest([preparedEvent({ messageId: id })], 0), sourceId: 'default', drops: {} };
}

/** A buffer whose flushes wait until released, recording what each flush took. */
function harness() {
  let now = 0;
  const flushes: string[][] = [];
  const releases: (() => void)[] = [];
  const buffer = new WriteBuffer(
    (entries) => {
      flushes.push(entries.map((e) => e.request.messageIds[0]!));
      return new Promise<EntryOutcome[]>((resolve) => releases.push(() => resolve(entries.map(() => ({ duplicates: 0 })))));
    },
    { maxEvents: 2, intervalMs: INTERVAL_MS, maxBufferedEvents: 100 },
    () => {},
    () => now,
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { buffer, flushes, releases, settle, advance: (ms: number) => (now += ms) };
}

describe('write buffer: group commit', () => {
  it('flushes at once, when a flush ends, the entries that have waited the interval meanwhile', async () => {
    const { buffer, flushes, releases, settle, advance } = harness();
    const first = [buffer.submit(entry('a')), buffer.submit(entry('b'))]; // maxEvents: flushes now
    await settle();
    const late = buffer.submit(entry('c')); // arrives during the flush
    advance(INTERVAL_MS); // the flush takes the whole interval
    releases[0]!();
    await Promise.all(first);
    await settle();
    assert.deepEqual(flushes, [['a', 'b'], ['c']], 'c went as soon as the flush ended, without waiting another interval');
    releases[1]!();
    await late;
    await buffer.close();
  });

  it('keeps an entry that has not yet waited the interval for company', async () => {
    const { buffer, flushes, releases, settle, advance } = harness();
    const first = [buffer.submit(entry('a')), buffer.submit(entry('b'))];
    await settle();
    const late = buffer.submit(entry('c'));
    advance(INTERVAL_MS / 2);
    releases[0]!();
    await Promise.all(first);
    await settle();
    assert.deepEqual(flushes, [['a', 'b']], 'c waits: half the interval has passed');
    assert.equal(buffer.depth, 1);
    const closed = buffer.close(); // a shutdown flushes whatever waits
    await settle();
    assert.deepEqual(flushes, [['a', 'b'], ['c']]);
    releases[1]!();
    await late;
    await closed;
  });
});
