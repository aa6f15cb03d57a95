import { gammaGammaExpectedSpend } from './gamma-gamma.js';
import type { LtvFit } from './fit.js';
import { rfmScores, type RfmScore } from './rfm.js';
import type { CustomerSummary } from './sample.js';
import { transactionModel } from './transaction-model.js';
import { UNIT_DAYS, type TimeUnit } from './time-unit.js';

export const VALUE_TIERS = ['high', 'medium', 'low'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];
/** Top 20% by CLV are "high", the next 30% "medium", the rest "low". */
const TIER_SHARES: [ValueTier, number][] = [
  ['high', 0.2],
  ['medium', 0.5],
];

export interface ScoreOptions {
  /** Periods (in the fit's unit) for expected transactions. */
  horizon: number;
  /** CLV horizon in months and annual discount rate (e.g. 0.1). */
  clvMonths: number;
  discountRate: number;
}

export interface CustomerScore {
  personId: string;
  expectedTransactions: number;
  pAlive: number;
  expectedSpend: number;
  clv: number;
  valueTier: ValueTier;
  rfm: RfmScore;
}

const MONTH_DAYS = 365.25 / 12;

/**
 * Score customers summarised up to `asOfDay` with a fitted model. The model quantities depend only on
 * (x, t_x, T), so they are computed once per distinct tuple.
 */
export function scoreCustomers(customers: readonly CustomerSummary[], fit: LtvFit, options: ScoreOptions, asOfDay: number): CustomerScore[] {
  const model = transactionModel(fit.model, fit.transactions.params);
  const unitDays = UNIT_DAYS[fit.unit as TimeUnit];
  const monthly = Math.pow(1 + options.discountRate, 1 / 12) - 1;
  const populationSpend = populationMeanSpend(fit, customers);
  const byTuple = new Map<string, { expected: number; pAlive: number; discounted: number }>();
  const rfm = rfmScores(customers, asOfDay);

  const scores = customers.map((c, i): CustomerScore => {
    const key = `${c.x}|${c.tx}|${c.T}`;
    let tuple = byTuple.get(key);
    if (!tuple) {
      // Discounted expected purchases: month m's increment of E[Y], discounted m months (lifetimes' CLV recipe).
      let discounted = 0;
      let previous = 0;
      for (let m = 1; m <= options.clvMonths; m++) {
        const cumulative = model.conditionalExpected((m * MONTH_DAYS) / unitDays, c.x, c.tx, c.T);
        discounted += (cumulative - previous) / Math.pow(1 + monthly, m);
        previous = cumulative;
      }
      tuple = { expected: model.conditionalExpected(options.horizon, c.x, c.tx, c.T), pAlive: model.pAlive(c.x, c.tx, c.T), discounted };
      byTuple.set(key, tuple);
    }
    const spend = fit.spend && c.x > 0 && c.monetary > 0 ? gammaGammaExpectedSpend(fit.spend.params, c.x, c.monetary) : populationSpend;
    return {
      personId: c.personId,
      expectedTransactions: tuple.expected,
      pAlive: tuple.pAlive,
      expectedSpend: spend,
      clv: tuple.discounted * spend,
      valueTier: 'low',
      rfm: rfm[i]!,
    };
  });
  assignTiers(scores);
  return scores;
}

/** E(M) for a customer with no repeat purchase: the Gamma-Gamma population mean p·γ/(q−1), else the sample mean. */
function populationMeanSpend(fit: LtvFit, customers: readonly CustomerSummary[]): number {
  if (fit.spend) return (fit.spend.params.p * fit.spend.params.gamma) / (fit.spend.params.q - 1);
  const repeaters = customers.filter((c) => c.x > 0);
  const source = repeaters.length > 0 ? repeaters.map((c) => c.monetary) : customers.map((c) => c.totalRevenue);
  return source.length > 0 ? source.reduce((a, b) => a + b, 0) / source.length : 0;
}

function assignTiers(scores: CustomerScore[]): void {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]!.clv - scores[a]!.clv || (scores[a]!.personId < scores[b]!.personId ? -1 : 1));
  order.forEach((index, rank) => {
    const share = (rank + 1) / scores.length;
    scores[index]!.valueTier = TIER_SHARES.find(([, upTo]) => share <= upTo)?.[0] ?? 'low';
  });
}

/** The computed traits written to each profile (flat keys, so segment rules can address them). */
export function scoreTraits(score: CustomerScore, fit: LtvFit, horizon: number, at: string): Record<string, unknown> {
  const round = (v: number, digits: number) => Number(v.toFixed(digits));
  return {
    ltvExpectedTransactions: round(score.expectedTransactions, 4),
    ltvHorizon: `${horizon} ${fit.unit}${horizon === 1 ? '' : 's'}`,
    ltvPAlive: round(score.pAlive, 4),
    ltvExpectedSpend: round(score.expectedSpend, 2),
    ltvClv: round(score.clv, 2),
    ltvValueTier: score.valueTier,
    ltvModel: fit.model,
    ltvUpdatedAt: at,
    rfmRecency: score.rfm.recency,
    rfmFrequency: score.rfm.frequency,
    rfmMonetary: score.rfm.monetary,
    rfmScore: score.rfm.score,
    rfmSegment: score.rfm.segment,
  };
}
