import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { computeOnboardingTraits } from '../../src/analytics/kinds/onboarding.js';
import { queryContext } from '../../src/analytics/run-query.js';
import { at, HOUR, identify, serveFixture, T0, track } from './support.js';

const START = 'Onboarding Started';
const DONE = 'Onboarding Completed';
const CANCEL = 'Subscription Cancelled';

/*
 * Hand-computed fixture (hours after T0):
 *   o1  start 0, done 1                         3600 s
 *   o2  start 0, done 2, cancel 100             7200 s, churned
 *   o3  start 0, done 4, cancel 50              14400 s, churned
 *   o4  start 0, done 8                         28800 s
 *   o5  start 10, start 12, done 11             3600 s (the first start counts)
 *   o6  start 0, cancel 30                      not completed, churned
 *   o7  done 0, start 1                         not completed (a completion before the start does not count)
 *   o8  anonymous start 0, identify 0.5, done 3 10800 s (one person after the merge; done sent first)
 *   o9  cancel 5                                never started: not counted
 *   o10 cancel 0, start 1, done 2               3600 s, not churned (the cancel came before the start)
 * Completed: 3600 ×3, 7200, 10800, 14400, 28800 → median 7200; slow at ≥ 2 × 7200 = 14400: o3, o4.
 */
const FIXTURE = [
  track('o1', START, 0), track('o1', DONE, 1),
  track('o2', START, 0), track('o2', DONE, 2), track('o2', CANCEL, 100),
  track('o3', START, 0), track('o3', DONE, 4, { steps: 5 }), track('o3', CANCEL, 50),
  track('o4', START, 0), track('o4', DONE, 8, { steps: 9 }),
  track('o5', START, 10), track('o5', START, 12), track('o5', DONE, 11),
  track('o6', START, 0), track('o6', CANCEL, 30),
  track('o7', DONE, 0), track('o7', START, 1),
  track('o8', DONE, 3), track({ anonymousId: 'a8' }, START, 0), identify({ userId: 'o8', anonymousId: 'a8' }, 0.5),
  track('o9', CANCEL, 5),
  track('o10', CANCEL, 0), track('o10', START, 1), track('o10', DONE, 2),
];

describe('onboarding', () => {
  const s = serveFixture(FIXTURE);

  test('setup durations, the slow tail at 2× the median and churn per group', async () => {
    const r = await s.ok('onboarding', {});
    assert.deepEqual(r, {
      people: 9,
      completed: 7,
      medianSeconds: 7200,
      slowThresholdSeconds: 14400,
      slow: { people: 2, churned: 1, churnRate: 0.5 },
      rest: { people: 5, churned: 1, churnRate: 0.2 },
      notCompleted: { people: 2, churned: 1, churnRate: 0.5 },
    });
  });

  test('slowFactor and churnEvent are configurable', async () => {
    const r = await s.ok('onboarding', { slowFactor: 4 });
    assert.equal(r.slowThresholdSeconds, 28800);
    assert.deepEqual(r.slow, { people: 1, churned: 0, churnRate: 0 });
    assert.deepEqual(r.rest, { people: 6, churned: 2, churnRate: 2 / 6 });
    // Churn as "completed onboarding again" (o5's and everyone's completion is at or after their start).
    const other = await s.ok('onboarding', { churnEvent: { event: DONE } });
    assert.deepEqual(other.notCompleted, { people: 2, churned: 0, churnRate: 0 });
    assert.equal(other.rest.churned + other.slow.churned, 7);
  });

  test('event property filters and from/to', async () => {
    // Only completions with 9 steps or more count: o4 (28800 s) is the one completed person, at 1× the median.
    const steps = await s.ok('onboarding', { completion: { event: DONE, where: [{ property: 'steps', op: 'gte', value: 9 }] } });
    assert.equal(steps.completed, 1);
    assert.equal(steps.medianSeconds, 28800);
    assert.deepEqual(steps.rest, { people: 1, churned: 0, churnRate: 0 });
    assert.deepEqual(steps.notCompleted, { people: 8, churned: 3, churnRate: 3 / 8 });
    // Events before 3 h: completed o1 (3600), o2 (7200), o10 (3600) → median 3600, slow at 7200: o2, whose cancel is later.
    const early = await s.ok('onboarding', { to: at(3) });
    assert.equal(early.people, 8);
    assert.equal(early.completed, 3);
    assert.equal(early.medianSeconds, 3600);
    assert.deepEqual(early.slow, { people: 1, churned: 0, churnRate: 0 });
    // From 10 h: only o5 starts.
    const late = await s.ok('onboarding', { from: at(10) });
    assert.deepEqual([late.people, late.completed, late.medianSeconds], [1, 1, 3600]);
    const none = await s.ok('onboarding', { start: { event: 'Nope' } });
    assert.deepEqual(none, {
      people: 0, completed: 0, medianSeconds: null, slowThresholdSeconds: null,
      slow: { people: 0, churned: 0, churnRate: 0 }, rest: { people: 0, churned: 0, churnRate: 0 }, notCompleted: { people: 0, churned: 0, churnRate: 0 },
    });
  });

  test('computed traits: setup seconds, and slow for the slow tail and for setups open longer than the threshold', async () => {
    const clock = new ManualClock(T0 + 200 * HOUR);
    const rows = await computeOnboardingTraits(queryContext(s.server.runtime.events.analytics, clock), {});
    const byUser: Record<string, unknown> = {};
    for (const user of ['o1', 'o3', 'o6', 'o7', 'o8']) {
      const { personId } = await s.server.person(`userId=${user}`);
      byUser[user] = rows.find((r) => r.personId === personId)?.traits;
    }
    assert.equal(rows.length, 9);
    assert.deepEqual(byUser, {
      o1: { onboardingSeconds: 3600, slowOnboarding: false },
      o3: { onboardingSeconds: 14400, slowOnboarding: true },
      o6: { onboardingSeconds: null, slowOnboarding: true },
      o7: { onboardingSeconds: null, slowOnboarding: true },
      o8: { onboardingSeconds: 10800, slowOnboarding: false },
    });
    // As of 3.5 h (completed: 3600, 3600, 7200, 10800 → threshold 10800 s), o7 has been setting up for 2.5 h: not slow yet.
    const early = await computeOnboardingTraits(queryContext(s.server.runtime.events.analytics, clock), { to: at(3.5) });
    const o7 = (await s.server.person('userId=o7')).personId;
    assert.deepEqual(early.find((r) => r.personId === o7)?.traits, { onboardingSeconds: null, slowOnboarding: false });
  });

  test('bad definitions are refused with a catalogued code', async () => {
    const factor = await s.query('onboarding', { slowFactor: 0.5 });
    assert.equal(factor.status, 400);
    assert.equal(factor.body.code, 'CT_INVALID_ANALYTICS_QUERY');
    assert.match(factor.body.message, /slowFactor/);
    const extra = await s.query('onboarding', { start: { name: START } });
    assert.equal(extra.status, 400);
  });
});
