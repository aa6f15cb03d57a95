import { fitWarmStarted, type FitResult } from './fitting.js';
import { hyp2f1, logAddExp, logGamma } from './math/special.js';
import type { GroupedSample } from './sample.js';

/** BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"). Equation numbers are the paper's. */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export function bgNbdFromLog([lr, lalpha, la, lb]: number[]): BgNbdParams {
  return { r: Math.exp(lr!), alpha: Math.exp(lalpha!), a: Math.exp(la!), b: Math.exp(lb!) };
}

/** The sample log-likelihood, eq. 6, in log space: ln L = A1 + A2 + ln(e^A3 + δ(x>0) e^A4). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, s: GroupedSample): number {
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const lgR = logGamma(r);
  const lgAB = logGamma(a + b);
  const lgB = logGamma(b);
  // Terms that depend on x only, once per distinct x.
  const byX = new Float64Array(s.maxX + 1);
  const lnBx1 = new Float64Array(s.maxX + 1);
  for (let x = 0; x <= s.maxX; x++) {
    byX[x] = logGamma(r + x) - lgR + r * lnAlpha + lgAB + logGamma(b + x) - lgB - logGamma(a + b + x);
    lnBx1[x] = x > 0 ? Math.log(b + x - 1) : 0;
  }
  const lnAlphaT = s.TLevels.map((T) => Math.log(alpha + T));
  const lnAlphaTx = s.txLevels.map((tx) => Math.log(alpha + tx));
  let ll = 0;
  for (let i = 0; i < s.size; i++) {
    const x = s.x[i]!;
    const a3 = -(r + x) * lnAlphaT[s.TIndex[i]!]!;
    const term = x > 0 ? logAddExp(a3, lnA - lnBx1[x]! - (r + x) * lnAlphaTx[s.txIndex[i]!]!) : a3;
    ll += s.weight[i]! * (byX[x]! + term);
  }
  return ll;
}

/** Maximum likelihood over log-parameters (every parameter stays positive), Nelder–Mead with restarts. */
export function fitBgNbd(sample: GroupedSample): FitResult<BgNbdParams> {
  return fitWarmStarted(sample, 4, (params, s) => bgNbdLogLikelihood(bgNbdFromLog(params), s), bgNbdFromLog);
}

/** P(alive | x, t_x, T), eq. 13 of the paper. */
export function bgNbdPAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logRatio = (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(Math.log(a) - Math.log(b + x - 1) + logRatio));
}

/** E[Y(t) | x, t_x, T]: expected transactions in the next t periods, eq. 10. */
export function bgNbdConditionalExpected(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const head = (a + b + x - 1) / (a - 1);
  const tail = 1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * f;
  const denominator = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 1;
  return (head * tail) / denominator;
}

/** E[X(t)]: expected transactions of a new customer in a period of length t, eq. 9. */
export function bgNbdExpected({ r, alpha, a, b }: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const f = hyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * f);
}

/** P(X(t) = n), eq. 8. */
export function bgNbdProbability({ r, alpha, a, b }: BgNbdParams, n: number, t: number): number {
  const lnBeta = (p: number, q: number) => logGamma(p) + logGamma(q) - logGamma(p + q);
  const lnBab = lnBeta(a, b);
  const lnP = r * Math.log(alpha / (alpha + t));
  const lnQ = Math.log(t / (alpha + t));
  const nbd = (j: number) => Math.exp(logGamma(r + j) - logGamma(r) - logGamma(j + 1) + lnP + j * lnQ);
  let p = Math.exp(lnBeta(a, b + n) - lnBab) * nbd(n);
  if (n > 0) {
    let partial = 0;
    for (let j = 0; j < n; j++) partial += nbd(j);
    p += Math.exp(lnBeta(a + 1, b + n - 1) - lnBab) * (1 - partial);
  }
  return p;
}
