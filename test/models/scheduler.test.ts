import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { HOUR } from '../../src/core/units.js';
import { JobScheduler } from '../../src/jobs/scheduler.js';

test('jobs run when due on the injected clock, never overlap, and retry a failure at the next slot', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const scheduler = new JobScheduler(clock, createLogger('silent'));
  const runs: number[] = [];
  let fail = false;
  scheduler.register('every-hour', HOUR, async () => {
    runs.push(clock.now());
    if (fail) throw new Error('store down');
  });
  scheduler.register('disabled', 0, async () => assert.fail('a job with interval 0 never runs'));
  assert.throws(() => scheduler.register('every-hour', HOUR, async () => {}), /already registered/);

  await scheduler.tick();
  assert.equal(runs.length, 0, 'not due yet');
  clock.advance(HOUR);
  await scheduler.tick();
  await scheduler.tick();
  assert.equal(runs.length, 1, 'once per due time');

  fail = true;
  clock.advance(HOUR);
  await scheduler.tick();
  assert.equal(scheduler.status()[0]!.lastError, 'store down');
  await scheduler.tick();
  assert.equal(runs.length, 2, 'a failure waits for the next slot');

  fail = false;
  clock.advance(5 * HOUR + 1); // missed slots are skipped, not replayed
  await scheduler.tick();
  await scheduler.tick();
  assert.equal(runs.length, 3);
  const [status] = scheduler.status();
  assert.deepEqual([status!.name, status!.runs, status!.lastError], ['every-hour', 3, null]);
  assert.equal(status!.nextRunAt, Date.UTC(2026, 0, 1) + 8 * HOUR);
  assert.equal(scheduler.status().length, 1);
});

test('a run still in progress is not started again', async () => {
  const clock = new ManualClock(0);
  const scheduler = new JobScheduler(clock, createLogger('silent'));
  let release!: () => void;
  let started = 0;
  scheduler.register('slow', 1000, () => {
    started++;
    return new Promise<void>((resolve) => (release = resolve));
  });
  clock.advance(1000);
  const first = scheduler.tick();
  clock.advance(1000);
  await Promise.race([scheduler.tick(), new Promise((r) => setImmediate(r))]);
  assert.equal(started, 1);
  release();
  await first;
  await scheduler.stop();
});
