/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965; the adaptive coefficients of Gao & Han 2012), with
 * restarts from the best point until a restart no longer improves the objective. Derivative-free, so the
 * likelihoods need no gradients; the models optimise over log-parameters, which keeps every parameter
 * positive and makes the problem better scaled.
 */
export interface MinimiseOptions {
  /** Stop when the simplex's objective values differ by less than this. */
  tolerance?: number;
  maxIterations?: number;
  maxRestarts?: number;
  /** Initial simplex edge (in the optimiser's coordinates, i.e. log-parameters). */
  step?: number;
}

export interface MinimiseResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  restarts: number;
  converged: boolean;
}

export function minimise(f: (x: number[]) => number, start: number[], options: MinimiseOptions = {}): MinimiseResult {
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 2_000;
  const maxRestarts = options.maxRestarts ?? 3;
  const step = options.step ?? 0.5;
  let evaluations = 0;
  const objective = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = simplexRun(objective, start, step, tolerance, maxIterations);
  let iterations = best.iterations;
  let restarts = 0;
  for (; restarts < maxRestarts; restarts++) {
    const again = simplexRun(objective, best.x, step / 4, tolerance, maxIterations);
    iterations += again.iterations;
    const improved = best.value - again.value > tolerance;
    if (again.value < best.value) best = again;
    if (!improved) break;
  }
  return { x: best.x, value: best.value, iterations, evaluations, restarts, converged: best.converged };
}

function simplexRun(f: (x: number[]) => number, start: number[], step: number, tolerance: number, maxIterations: number) {
  const n = start.length;
  // Gao & Han's dimension-adapted coefficients; for n = 2 they equal the classic 1, 2, 0.5, 0.5.
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  const points: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    points.push(p);
  }
  const values = points.map(f);
  let iterations = 0;
  let converged = false;
  const order = () => {
    const idx = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const ps = idx.map((i) => points[i]!);
    const vs = idx.map((i) => values[i]!);
    points.splice(0, points.length, ...ps);
    values.splice(0, values.length, ...vs);
  };
  const along = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  for (; iterations < maxIterations; iterations++) {
    order();
    // Converged when the simplex's values agree: on a flat ridge (a parameter running off to its bound with
    // the likelihood no longer changing) the points never close in, but the answer no longer improves.
    if (Math.abs(values[n]! - values[0]!) <= tolerance * (1 + Math.abs(values[0]!))) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += points[i]![j]! / n;
    const worst = points[n]!;
    const reflected = along(centroid, worst, -alpha);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = along(centroid, worst, -beta);
      const fe = f(expanded);
      if (fe < fr) replaceWorst(expanded, fe);
      else replaceWorst(reflected, fr);
    } else if (fr < values[n - 1]!) {
      replaceWorst(reflected, fr);
    } else {
      const outside = fr < values[n]!;
      const contracted = along(centroid, worst, outside ? -gamma : gamma);
      const fc = f(contracted);
      if (fc < Math.min(fr, values[n]!)) replaceWorst(contracted, fc);
      else {
        for (let i = 1; i <= n; i++) {
          points[i] = along(points[0]!, points[i]!, delta);
          values[i] = f(points[i]!);
        }
      }
    }
  }
  order();
  return { x: points[0]!, value: values[0]!, iterations, converged };

  function replaceWorst(p: number[], v: number) {
    points[n] = p;
    values[n] = v;
  }
}

