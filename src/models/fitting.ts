import { minimise } from './math/nelder-mead.js';
import { newtonPolish } from './math/newton.js';
import { thinSample, type GroupedSample } from './sample.js';

/** How every model is fitted: bounded log-parameters, Nelder–Mead, then Newton steps (docs/models.md). */
export interface FitResult<P> {
  params: P;
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** Above this many distinct tuples the simplex search runs on a thinned sample (thinSample) first. */
export const WARM_START_TUPLES = 4_000;

/**
 * The shared fitting recipe, on the per-customer negative log-likelihood (so tolerances mean the same at any
 * size), from all-zero log-parameters:
 * 1. Nelder–Mead with restarts: on a thinned sample when the sample is large, else on the full one.
 * 2. Newton polish on the full sample (math/newton.ts): a few steps to the precise optimum. When the Hessian
 *    there is not positive definite (a ridge, a bound), Nelder–Mead continues on the full sample instead.
 */
export function fitWarmStarted<P>(
  sample: GroupedSample,
  dimensions: number,
  logLikelihood: (logParams: number[], s: GroupedSample) => number,
  toParams: (logParams: number[]) => P,
): FitResult<P> {
  const objective = (s: GroupedSample) => (p: number[]) => -logLikelihood(clampLog(p), s) / s.customers;
  const large = sample.size > WARM_START_TUPLES;
  const found = warmStartedMinimum(objective(sample), large ? objective(thinSample(sample, WARM_START_TUPLES / 2)) : null, dimensions);
  const logParams = clampLog(found.x);
  return { params: toParams(logParams), logLikelihood: logLikelihood(logParams, sample), iterations: found.iterations, evaluations: found.evaluations, converged: found.converged };
}

/**
 * The recipe itself, for any objective: the simplex search on `thinned` when given (counting none of its
 * evaluations against the full data), else on `full`; then Newton steps on `full`, or the simplex again on it
 * when the Hessian is unusable and the search ran on the thinned one.
 */
export function warmStartedMinimum(
  full: (x: number[]) => number,
  thinned: ((x: number[]) => number) | null,
  dimensions: number,
): { x: number[]; iterations: number; evaluations: number; converged: boolean } {
  const search = minimise(thinned ?? full, new Array<number>(dimensions).fill(0));
  let x = search.x;
  let evaluations = thinned ? 0 : search.evaluations;
  let converged = search.converged;
  const polished = newtonPolish(full, x);
  if (polished) {
    x = polished.x;
    evaluations += polished.evaluations;
  } else if (thinned) {
    const again = minimise(full, x, { step: 0.05 });
    x = again.x;
    evaluations += again.evaluations;
    converged = again.converged;
  }
  return { x, iterations: search.iterations, evaluations, converged };
}

/**
 * Log-parameters are bounded to e^±10 (≈ 4.5e−5 … 22,026): a wandering simplex cannot overflow the likelihood,
 * and when the maximum lies on a ridge towards infinity (BG/NBD's a, b → ∞ when every customer has the same
 * dropout probability) the clamped objective goes flat at the bound and the search ends there. Such parameters
 * are reported in `atBound`. The scale parameters are fitted in data-scaled units (see fitGammaGamma).
 */
export const LOG_PARAM_BOUND = 10;

/** Names of the parameters that ended at a bound: the data pushes them to 0 or ∞ (a degenerate fit). */
export function paramsAtBound(params: object): string[] {
  return Object.entries(params)
    .filter(([, v]) => Math.abs(Math.log(v as number)) >= LOG_PARAM_BOUND - 1e-6)
    .map(([k]) => k);
}
export function clampLog(p: number[]): number[] {
  return p.map((v) => Math.min(LOG_PARAM_BOUND, Math.max(-LOG_PARAM_BOUND, v)));
}
