/**
 * Special functions the customer-value models need, written out so their accuracy is known and tested
 * (test/models/math.test.ts checks them against tabulated values).
 */

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes 3rd ed. §6.1 / Godfrey's coefficients): ~15 digits.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.9189385332046728;

/** ln Γ(x) for x > 0 (reflection below 0.5 keeps the Lanczos sum in its accurate range). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b (−∞ when they are equal). */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a < b) return Number.NaN;
  if (a === b) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}

const HYP2F1_MAX_TERMS = 200_000;
const HYP2F1_TOLERANCE = 1e-15;

/**
 * Gauss hypergeometric ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1 and positive a, b, c, which is
 * every use in BG/NBD (Fader, Hardie & Lee 2005, eq. 10) and Pareto/NBD (Fader & Hardie 2005 note, eq. 3).
 * The series converges for |z| < 1; near 1 it needs many terms, hence the generous cap. Returns NaN when the
 * series has not converged, so a caller never silently uses a wrong value.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  if (!(z > 0 && z < 1)) return Number.NaN;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < HYP2F1_MAX_TERMS; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (!Number.isFinite(sum)) return Number.NaN;
    // The ratio of successive terms, z(a+n)(b+n)/((c+n)(n+1)), moves monotonically towards z for large n, so
    // with q = max(next ratio, z) < 1 the rest of the series is at most term·q/(1−q): stop once that is tiny.
    const ratio = ((a + n + 1) * (b + n + 1) * z) / ((c + n + 1) * (n + 2));
    const q = Math.max(ratio, z);
    if (q < 1 && Math.abs(term) * (q / (1 - q)) <= HYP2F1_TOLERANCE * Math.abs(sum)) return sum;
  }
  return Number.NaN;
}
