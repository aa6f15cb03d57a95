import fs from 'node:fs';
import { mulberry32 } from '../../src/core/prng.js';
import { DAY } from '../../src/core/units.js';
import type { CustomerSummary } from '../../src/models/sample.js';
import { summarisePurchaseDays, type OrderSummary, type PurchaseDay } from '../../src/models/summary.js';
import { logGamma, logAddExp } from '../../src/models/math/special.js';
import type { BgNbdParams } from '../../src/models/bg-nbd.js';

/** Seeded samplers (Marsaglia & Tsang 2000 for the gamma; beta as a ratio of gammas). */
export function samplers(seed: number) {
  const uniform = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = Math.pow(1 + c * z, 3);
      if (v <= 0) continue;
      if (Math.log(1 - uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a, 1);
    return x / (x + gamma(b, 1));
  };
  return { uniform, gamma, beta };
}

/**
 * Customers drawn from the BG/NBD story itself (CDNOW-like parameters, weeks): acquired over 12 weeks, buying
 * at Poisson rate λ ~ Gamma(r, α) per week, dropping out after each purchase with p ~ Beta(a, b); spend per
 * purchase ~ Gamma(p, ν), ν ~ Gamma(q, γ). Purchases land on whole days, so (x, t_x, T) repeat a lot, as in
 * real data. Calibration: 39 weeks.
 */
export function syntheticCustomers(count: number, seed = 42): CustomerSummary[] {
  const { uniform, gamma, beta } = samplers(seed);
  const truth = { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4, p: 6, q: 3.7, gamma: 15 };
  const calibrationEndDay = 272;
  const customers: CustomerSummary[] = [];
  for (let i = 0; i < count; i++) {
    const first = Math.floor(uniform() * 84);
    const lambda = gamma(truth.r, truth.alpha);
    const dropout = beta(truth.a, truth.b);
    const nu = gamma(truth.q, truth.gamma);
    let t = first;
    let last = first;
    let x = 0;
    let repeatRevenue = 0;
    const firstRevenue = gamma(truth.p, nu);
    for (;;) {
      if (uniform() < dropout && t > first) break;
      t += (-Math.log(1 - uniform()) / lambda) * 7;
      if (t > calibrationEndDay + 1) break;
      const day = Math.floor(t);
      const revenue = gamma(truth.p, nu);
      if (day === last) continue; // same day: merged (its revenue is ignored here; spend is per purchase day)
      x++;
      last = day;
      repeatRevenue += revenue;
    }
    customers.push({
      personId: `c${i}`,
      x,
      tx: (last - first) / 7,
      T: (calibrationEndDay - first) / 7,
      monetary: x > 0 ? repeatRevenue / x : 0,
      totalRevenue: firstRevenue + repeatRevenue,
      holdoutX: 0,
      firstDay: first,
      lastDay: last,
    });
  }
  return customers;
}

/** The naive likelihood a first implementation writes: every customer on their own, ln Γ recomputed each time. */
export function naiveBgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, customers: readonly CustomerSummary[]): number {
  let ll = 0;
  for (const { x, tx, T } of customers) {
    const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
    const a3 = -(r + x) * Math.log(alpha + T);
    const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
    ll += a1 + a2 + logAddExp(a3, a4);
  }
  return ll;
}

/** CDNOW_master.txt → purchase days (same-day purchases merged), sorted by customer and day. */
export function readCdnowMaster(file: string): PurchaseDay[] {
  const byKey = new Map<string, PurchaseDay>();
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).slice(1);
  for (const line of lines) {
    const [id, date, , dollars] = line.trim().split(/\s+/);
    if (!id || !date) continue;
    const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) / DAY;
    const key = `${id}|${day}`;
    const entry = byKey.get(key) ?? { personId: id, day, revenue: 0 };
    entry.revenue += Number(dollars);
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((x, y) => (x.personId < y.personId ? -1 : x.personId > y.personId ? 1 : x.day - y.day));
}

export function cdnowMasterSummary(file: string): OrderSummary {
  const days = readCdnowMaster(file);
  return summarisePurchaseDays(days, {
    unit: 'week',
    calibrationEndDay: Date.UTC(1997, 8, 30) / DAY,
    holdoutEndDay: Date.UTC(1998, 5, 30) / DAY,
  });
}
