/**
 * Fisher's exact test on a 2×2 table, two-sided: the probability, under independence with the margins fixed,
 * of a table at least as extreme (no more likely) than the one observed. Log-space hypergeometric terms keep it
 * exact for tables of hundreds of thousands of people.
 *
 *            with signal   without
 *   group 1       a           b
 *   group 2       c           d
 */
const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1]! + Math.log(i);
  return logFactorials[n]!;
}

function logHypergeometric(a: number, row1: number, col1: number, n: number): number {
  const b = row1 - a;
  const c = col1 - a;
  const d = n - row1 - c;
  return (
    logFactorial(row1) + logFactorial(n - row1) + logFactorial(col1) + logFactorial(n - col1) -
    logFactorial(n) - logFactorial(a) - logFactorial(b) - logFactorial(c) - logFactorial(d)
  );
}

export function fisherExactTwoSided(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (n === 0) return 1;
  const observed = logHypergeometric(a, row1, col1, n);
  const low = Math.max(0, row1 + col1 - n);
  const high = Math.min(row1, col1);
  // Relative tolerance as R's fisher.test uses, so ties in probability count as "as extreme".
  const threshold = observed + Math.log1p(1e-7);
  let p = 0;
  for (let x = low; x <= high; x++) {
    const lp = logHypergeometric(x, row1, col1, n);
    if (lp <= threshold) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
