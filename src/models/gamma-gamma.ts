import { clampLog, WARM_START_TUPLES, warmStartedMinimum, type FitResult } from './fitting.js';
import { logGamma } from './math/special.js';

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie, "The Gamma-Gamma Model of
 * Monetary Value", 2013, eq. 1): a customer's mean repeat spend m_x over x purchases. Fitted on repeat buyers.
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendRow {
  x: number;
  monetary: number;
}

/**
 * The data's part of the likelihood that does not depend on the parameters, computed once: per-x counts for the
 * ln Γ terms and the sums Σ x ln m, Σ ln m, Σ x ln x; only ln(x·m + γ) is left per customer per evaluation.
 */
interface PreparedSpend {
  n: number;
  x: Float64Array;
  xm: Float64Array;
  countByX: Map<number, number>;
  sumXLnM: number;
  sumLnM: number;
  sumXLnX: number;
}

function prepare(rows: readonly SpendRow[]): PreparedSpend {
  const countByX = new Map<number, number>();
  let sumXLnM = 0;
  let sumLnM = 0;
  let sumXLnX = 0;
  const x = new Float64Array(rows.length);
  const xm = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    x[i] = r.x;
    xm[i] = r.x * r.monetary;
    countByX.set(r.x, (countByX.get(r.x) ?? 0) + 1);
    const lnM = Math.log(r.monetary);
    sumXLnM += r.x * lnM;
    sumLnM += lnM;
    sumXLnX += r.x * Math.log(r.x);
  });
  return { n: rows.length, x, xm, countByX, sumXLnM, sumLnM, sumXLnX };
}

/** Sum over customers of eq. 1's log density of m_x given x. */
function preparedLogLikelihood({ p, q, gamma }: GammaGammaParams, d: PreparedSpend): number {
  let ll = d.n * (q * Math.log(gamma) - logGamma(q)) + p * d.sumXLnM - d.sumLnM + p * d.sumXLnX;
  for (const [x, count] of d.countByX) ll += count * (logGamma(p * x + q) - logGamma(p * x));
  for (let i = 0; i < d.n; i++) ll -= (p * d.x[i]! + q) * Math.log(d.xm[i]! + gamma);
  return ll;
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, rows: readonly SpendRow[]): number {
  return preparedLogLikelihood(params, prepare(rows));
}

/**
 * γ is a scale parameter (in the currency's units), so the search runs on spend divided by its mean: the
 * same bounds then suit dollars and yen. p and q are scale-free; γ is scaled back afterwards.
 */
export function fitGammaGamma(rows: readonly SpendRow[]): FitResult<GammaGammaParams> {
  const currency = rows.reduce((sum, r) => sum + r.monetary, 0) / rows.length || 1;
  const scaledRows = rows.map((r) => ({ x: r.x, monetary: r.monetary / currency }));
  const full = prepare(scaledRows);
  const toParams = (l: number[]): GammaGammaParams => {
    const [lp, lq, lg] = clampLog(l);
    return { p: Math.exp(lp!), q: Math.exp(lq!), gamma: Math.exp(lg!) };
  };
  const objective = (d: PreparedSpend) => (l: number[]) => -preparedLogLikelihood(toParams(l), d) / d.n;
  // The shared recipe (fitting.ts), the simplex on every k-th customer when there are many.
  const stride = Math.ceil(rows.length / WARM_START_TUPLES);
  const thinned = stride > 1 ? objective(prepare(scaledRows.filter((_, i) => i % stride === 0))) : null;
  const { x, iterations, evaluations, converged } = warmStartedMinimum(objective(full), thinned, 3);
  const unit = toParams(x);
  const params = { ...unit, gamma: unit.gamma * currency };
  return { params, logLikelihood: gammaGammaLogLikelihood(params, rows), iterations, evaluations, converged };
}

/** E(M | x, m_x): the expected mean spend of a customer's future purchases (eq. 5; a weighted mean of the
 * population mean p·γ/(q−1) and the customer's own m_x). Falls back to the population mean when x = 0. */
export function gammaGammaExpectedSpend({ p, q, gamma }: GammaGammaParams, x: number, monetary: number): number {
  if (q <= 1) return Number.NaN;
  return (p * (gamma + x * monetary)) / (p * x + q - 1);
}
