import { fitWarmStarted, type FitResult } from './fitting.js';
import { hyp2f1, logAddExp, logGamma, logSubExp } from './math/special.js';
import type { GroupedSample } from './sample.js';

/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987), with the likelihood as written in Fader & Hardie (2005),
 * "A Note on Deriving the Pareto/NBD Model and Related Expressions", eq. 3, evaluated in log space.
 */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export function paretoNbdFromLog([lr, lalpha, ls, lbeta]: number[]): ParetoNbdParams {
  return { r: Math.exp(lr!), alpha: Math.exp(lalpha!), s: Math.exp(ls!), beta: Math.exp(lbeta!) };
}

/**
 * ln A0 from the note's eq. 3: the integral over the unobserved dropout time, a difference of two ₂F₁ terms.
 * The ₂F₁ argument is |α − β| / (max(α, β) + t), always in [0, 1).
 */
function logA0({ r, alpha, s, beta }: ParetoNbdParams, x: number, tx: number, T: number): number {
  const rsx = r + s + x;
  const [max, min, second] = alpha >= beta ? [alpha, beta, s + 1] : [beta, alpha, r + x];
  const diff = max - min;
  const at = (t: number) => Math.log(hyp2f1(rsx, second, rsx + 1, diff / (max + t))) - rsx * Math.log(max + t);
  return logSubExp(at(tx), at(T));
}

export function paretoNbdCustomerLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const a2 = logAddExp(alive, Math.log(s) - Math.log(r + s + x) + logA0(p, x, tx, T));
  return a1 + a2;
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, sample: GroupedSample): number {
  let ll = 0;
  for (let i = 0; i < sample.size; i++) {
    const tx = sample.txLevels[sample.txIndex[i]!]!;
    const T = sample.TLevels[sample.TIndex[i]!]!;
    ll += sample.weight[i]! * paretoNbdCustomerLogLikelihood(p, sample.x[i]!, tx, T);
  }
  return ll;
}

export function fitParetoNbd(sample: GroupedSample): FitResult<ParetoNbdParams> {
  return fitWarmStarted(sample, 4, (params, s) => paretoNbdLogLikelihood(paretoNbdFromLog(params), s), paretoNbdFromLog);
}

/** P(alive | x, t_x, T), Fader & Hardie (2005) note, eq. 11. */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const logRest = Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + logA0(p, x, tx, T);
  return 1 / (1 + Math.exp(logRest));
}

/** E[Y(t) | x, t_x, T], the note's eq. 22 (needs s > 1 for the closed form; s ≤ 1 uses its limit s → 1). */
export function paretoNbdConditionalExpected(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  if (t <= 0) return 0;
  const rate = (r + x) / (alpha + T);
  const horizon =
    Math.abs(s - 1) < 1e-9 ? (beta + T) * Math.log((beta + T + t) / (beta + T)) : ((beta + T) / (s - 1)) * (1 - Math.pow((beta + T) / (beta + T + t), s - 1));
  return rate * horizon * paretoNbdPAlive(p, x, tx, T);
}

/** E[X(t)] for a new customer, the note's eq. 17. */
export function paretoNbdExpected({ r, alpha, s, beta }: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  const horizon = Math.abs(s - 1) < 1e-9 ? beta * Math.log((beta + t) / beta) : (beta / (s - 1)) * (1 - Math.pow(beta / (beta + t), s - 1));
  return (r / alpha) * horizon;
}
