/**
 * Newton's method with finite-difference derivatives, used to polish a Nelder–Mead result on the full data:
 * near the optimum the log-likelihood is smooth and close to quadratic, so a few Newton steps (quadratic
 * convergence) replace the hundreds of simplex steps that would shrink the simplex to the same precision.
 * Central differences with step h give the gradient and Hessian (2n + 2n(n−1) + 1 evaluations a step); each
 * step is a backtracking line search on the Newton direction. Returns null when the Hessian is not positive
 * definite (not near a minimum), so the caller keeps its Nelder–Mead answer.
 */
export interface PolishResult {
  x: number[];
  value: number;
  steps: number;
  evaluations: number;
}

export function newtonPolish(f: (x: number[]) => number, start: number[], options: { maxSteps?: number; h?: number; tolerance?: number } = {}): PolishResult | null {
  const maxSteps = options.maxSteps ?? 10;
  const h = options.h ?? 1e-4;
  const tolerance = options.tolerance ?? 1e-13;
  const n = start.length;
  let evaluations = 0;
  const at = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const shifted = (x: number[], moves: [number, number][]) => {
    const y = x.slice();
    for (const [i, d] of moves) y[i]! += d;
    return y;
  };
  let x = start.slice();
  let value = at(x);
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    const gradient = new Array<number>(n);
    const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      const plus = at(shifted(x, [[i, h]]));
      const minus = at(shifted(x, [[i, -h]]));
      gradient[i] = (plus - minus) / (2 * h);
      hessian[i]![i] = (plus - 2 * value + minus) / (h * h);
      for (let j = 0; j < i; j++) {
        const pp = at(shifted(x, [[i, h], [j, h]]));
        const pm = at(shifted(x, [[i, h], [j, -h]]));
        const mp = at(shifted(x, [[i, -h], [j, h]]));
        const mm = at(shifted(x, [[i, -h], [j, -h]]));
        hessian[i]![j] = hessian[j]![i] = (pp - pm - mp + mm) / (4 * h * h);
      }
    }
    const direction = solveCholesky(hessian, gradient.map((g) => -g));
    if (!direction) return steps === 0 ? null : { x, value, steps, evaluations };
    let t = 1;
    let moved = false;
    for (; t >= 1 / 64; t /= 2) {
      const candidate = x.map((v, i) => v + t * direction[i]!);
      const candidateValue = at(candidate);
      if (candidateValue <= value) {
        const gain = value - candidateValue;
        x = candidate;
        value = candidateValue;
        moved = true;
        if (gain <= tolerance * (1 + Math.abs(value))) return { x, value, steps: steps + 1, evaluations };
        break;
      }
    }
    if (!moved) break;
  }
  return { x, value, steps, evaluations };
}

/** Solve A·x = b for symmetric positive definite A; null when A is not positive definite. */
function solveCholesky(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
