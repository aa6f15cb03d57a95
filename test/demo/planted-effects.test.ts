import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { measureDemo, type Measured } from '../../src/demo/measure.js';
import { PLANTED, PLANTED_RUN } from '../../src/demo/planted.js';

/**
 * The planted effects, measured from the generated events alone (src/demo/measure.ts, the definitions in
 * docs/demo-data.md), on a smaller population than PLANTED was measured on: the documented strengths must hold
 * within sampling tolerance, and each effect must be clearly there (the contrasts), not just near a number.
 */
const measured: Measured = measureDemo({ customers: 1500, days: PLANTED_RUN.days, seed: PLANTED_RUN.seed, endMs: Date.parse(PLANTED_RUN.end) });

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: measured ${actual}, documented ${expected} (± ${tolerance})`);

describe('demo: planted effects are in the events at the documented strengths', () => {
  test('sizes: every customer signs up, about half subscribe, about a fifth of members cancel', () => {
    assert.equal(measured.customers, 1500);
    near(measured.subscribers / measured.customers, 0.55, 0.04, 'subscriber share');
    near(measured.churn.churnRate, PLANTED.churn.churnRate, 0.04, 'churn rate');
  });

  test('billing problems: Payment Failed in the 60 days before cancelling', () => {
    const { billing } = measured.churn;
    near(billing.churnersShare, PLANTED.churn.billing.churnersShare, 0.1, 'churners with the signal');
    near(billing.retainedShare, PLANTED.churn.billing.retainedShare, 0.03, 'retained with the signal');
    assert.ok(billing.churnersShare >= 4 * billing.retainedShare, `a strong contrast: ${JSON.stringify(billing)}`);
  });

  test('bad support: a ticket in the window with csat ≤ 2 or ≥ 72 h to resolve', () => {
    const { support } = measured.churn;
    near(support.churnersShare, PLANTED.churn.support.churnersShare, 0.1, 'churners with the signal');
    near(support.retainedShare, PLANTED.churn.support.retainedShare, 0.03, 'retained with the signal');
    assert.ok(support.churnersShare >= 4 * support.retainedShare, `a strong contrast: ${JSON.stringify(support)}`);
  });

  test('slow onboarding: ≥ 2× the median from Signed Up to Onboarding Completed', () => {
    const { onboarding } = measured.churn;
    near(onboarding.medianHours, PLANTED.churn.onboarding.medianHours, 3, 'median onboarding hours');
    near(onboarding.churnersShare, PLANTED.churn.onboarding.churnersShare, 0.1, 'churners who onboarded slowly');
    near(onboarding.retainedShare, PLANTED.churn.onboarding.retainedShare, 0.05, 'retained who onboarded slowly');
    near(onboarding.slowChurnRate, PLANTED.churn.onboarding.slowChurnRate, 0.1, 'churn rate of slow onboarders');
    near(onboarding.fastChurnRate, PLANTED.churn.onboarding.fastChurnRate, 0.05, 'churn rate of the others');
    assert.ok(onboarding.slowChurnRate >= 1.8 * onboarding.fastChurnRate, `slow onboarders churn far more: ${JSON.stringify(onboarding)}`);
  });

  test('cart abandonment is near 70%', () => {
    near(measured.cartAbandonmentRate, 0.7, 0.03, 'cart abandonment');
    near(measured.cartAbandonmentRate, PLANTED.cartAbandonmentRate, 0.03, 'cart abandonment vs PLANTED');
  });

  test('the dwell trap: a product page read for long and almost never added to a cart', () => {
    const trap = measured.dwellTrap;
    near(trap.medianEngagedMs, PLANTED.dwellTrap.medianEngagedMs, 0.15 * PLANTED.dwellTrap.medianEngagedMs, 'median engaged ms');
    near(trap.otherProductsMedianEngagedMs, PLANTED.dwellTrap.otherProductsMedianEngagedMs, 0.1 * PLANTED.dwellTrap.otherProductsMedianEngagedMs, 'other products');
    assert.ok(trap.medianEngagedMs >= 3 * trap.otherProductsMedianEngagedMs, `dwell: ${JSON.stringify(trap)}`);
    assert.ok(trap.viewToCartRate <= 0.02, `view-to-cart ${trap.viewToCartRate}`);
    near(trap.otherProductsViewToCartRate, PLANTED.dwellTrap.otherProductsViewToCartRate, 0.05, 'other products view-to-cart');
  });

  test('activation: customers with an order in their first 30 days are still around at days 60–90', () => {
    const a = measured.activation;
    near(a.activatedRetention, PLANTED.activation.activatedRetention, 0.06, 'activated retention');
    near(a.notActivatedRetention, PLANTED.activation.notActivatedRetention, 0.06, 'not activated retention');
    near(a.activatedShare, PLANTED.activation.activatedShare, 0.05, 'activated share');
    assert.ok(a.activatedRetention - a.notActivatedRetention >= 0.25, `a clear gap: ${JSON.stringify(a)}`);
  });
});
