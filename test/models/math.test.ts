import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { minimise } from '../../src/models/math/nelder-mead.js';
import { hyp2f1, logAddExp, logGamma, logSubExp } from '../../src/models/math/special.js';
import { quintileScores, rfmSegment, RFM_SEGMENTS } from '../../src/models/rfm.js';
import { groupSample } from '../../src/models/sample.js';
import { summarisePurchaseDays } from '../../src/models/summary.js';

const close = (actual: number, expected: number, relative: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${what} ${actual} vs ${expected}`);

describe('special functions against tabulated values', () => {
  test('ln Γ (values from the C library lgamma)', () => {
    const table: [number, number][] = [
      [0.1, 2.2527126517342055],
      [0.5, 0.5723649429247004],
      [1, 0],
      [2.5, 0.2846828704729196],
      [10, 12.801827480081467],
      [100, 359.1342053695754],
      [1234.5, 7550.550901077896],
    ];
    for (const [x, expected] of table) close(logGamma(x), expected, 1e-13, `lnΓ(${x})`);
    assert.ok(Number.isNaN(logGamma(0)) && Number.isNaN(logGamma(-1)));
  });

  test('₂F₁ against closed forms, and NaN outside [0, 1)', () => {
    close(hyp2f1(1, 1, 2, 0.9), -Math.log(1 - 0.9) / 0.9, 1e-12, '−ln(1−z)/z');
    close(hyp2f1(0.5, 0.5, 1.5, 0.64), Math.asin(0.8) / 0.8, 1e-12, 'arcsin(√z)/√z');
    close(hyp2f1(2.5, 3, 3, 0.7), Math.pow(1 - 0.7, -2.5), 1e-12, '(1−z)^−a');
    assert.equal(hyp2f1(3, 4, 5, 0), 1);
    assert.ok(Number.isNaN(hyp2f1(1, 1, 2, 1)) && Number.isNaN(hyp2f1(1, 1, 2, -0.1)));
  });

  test('log-space sums', () => {
    close(logAddExp(Math.log(2), Math.log(3)), Math.log(5), 1e-15);
    close(logAddExp(-1000, -1000), -1000 + Math.log(2), 1e-15, 'no underflow');
    close(logSubExp(Math.log(5), Math.log(3)), Math.log(2), 1e-15);
    assert.equal(logSubExp(1, 1), -Infinity);
  });
});

describe('Nelder–Mead', () => {
  test('finds the Rosenbrock minimum from a poor start', () => {
    const rosenbrock = ([x, y]: number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const result = minimise(rosenbrock, [-1.2, 1]);
    assert.ok(result.converged);
    close(result.x[0]!, 1, 1e-5, 'x');
    close(result.x[1]!, 1, 1e-5, 'y');
    assert.ok(result.value < 1e-10);
  });
});

describe('RFM', () => {
  test('every recency × frequency cell has exactly one named segment', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) seen.add(rfmSegment(r, f));
    assert.deepEqual([...seen].sort(), [...RFM_SEGMENTS].sort());
    assert.equal(rfmSegment(5, 5), 'champions');
    assert.equal(rfmSegment(1, 1), 'hibernating');
    assert.equal(rfmSegment(1, 5), 'cant_lose');
    assert.equal(rfmSegment(5, 1), 'new');
  });

  test('quintiles: 1–5 by rank, ties share the score of their first rank', () => {
    assert.deepEqual(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    assert.deepEqual(quintileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]), [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  });
});

describe('summary and grouping', () => {
  const day = (n: number) => 10_000 + n;
  test('same-day purchases merge; x counts repeat days; t_x and T from the first purchase; holdout apart', () => {
    const days = [
      { personId: 'a', day: day(0), revenue: 10 },
      { personId: 'a', day: day(7), revenue: 30 }, // (two orders that day, merged upstream)
      { personId: 'a', day: day(14), revenue: 50 },
      { personId: 'a', day: day(30), revenue: 99 }, // holdout
      { personId: 'a', day: day(60), revenue: 99 }, // after the holdout: ignored
      { personId: 'b', day: day(21), revenue: 5 },
      { personId: 'c', day: day(22), revenue: 5 }, // first purchase after the calibration end: not in the cohort
    ];
    const s = summarisePurchaseDays(days, { unit: 'week', calibrationEndDay: day(21), holdoutEndDay: day(42) });
    assert.deepEqual(
      s.customers.map((c) => [c.personId, c.x, c.tx, c.T, c.monetary, c.totalRevenue, c.holdoutX]),
      [
        ['a', 2, 2, 3, 40, 90, 1],
        ['b', 0, 0, 0, 0, 5, 0],
      ],
    );
    assert.deepEqual([...s.repeatsByDay], [[day(7), 1], [day(14), 1], [day(30), 1]]);
  });

  test('customers with equal (x, t_x, T) become one weighted tuple', () => {
    const g = groupSample([
      { x: 0, tx: 0, T: 10 },
      { x: 0, tx: 0, T: 10 },
      { x: 2, tx: 5, T: 10 },
      { x: 2, tx: 5, T: 9 },
    ]);
    assert.equal(g.size, 3);
    assert.equal(g.customers, 4);
    assert.deepEqual([...g.weight], [2, 1, 1]);
    assert.deepEqual([...g.TLevels], [10, 9]);
  });
});
