/**
 * The per-customer summary the models are fitted on (Fader, Hardie & Lee 2005, §2): x = repeat purchase
 * periods (same-day purchases merged), t_x = time of the last purchase and T = age, both measured from the
 * customer's first purchase in the chosen time unit, plus the mean spend of the repeat purchases.
 */
export interface CustomerSummary {
  personId: string;
  /** Repeat purchase days in the calibration period (the first purchase does not count). */
  x: number;
  /** Time from the first purchase to the last calibration purchase, in the time unit. */
  tx: number;
  /** Time from the first purchase to the end of the calibration period, in the time unit. */
  T: number;
  /** Mean revenue of the repeat purchase days (0 when x = 0). */
  monetary: number;
  /** Revenue of every calibration purchase, first included. */
  totalRevenue: number;
  /** Purchase days after the calibration end up to the holdout end (0 without a holdout). */
  holdoutX: number;
  /** UTC day numbers of the first and the last calibration purchase. */
  firstDay: number;
  lastDay: number;
}

/**
 * Customers grouped by identical (x, t_x, T): a likelihood evaluation costs one term per distinct tuple, with
 * the tuple's count as its weight. t_x and T are further reduced to their distinct levels so logarithms of
 * (α + t) are computed once per level per evaluation.
 */
export interface GroupedSample {
  size: number;
  customers: number;
  x: Int32Array;
  weight: Float64Array;
  txIndex: Int32Array;
  TIndex: Int32Array;
  txLevels: Float64Array;
  TLevels: Float64Array;
  maxX: number;
}

export function groupSample(rows: readonly { x: number; tx: number; T: number }[]): GroupedSample {
  // Numeric keys (x, t_x level, T level) instead of strings: grouping 100k customers is then a few ms.
  const txLevels = new Map<number, number>();
  const TLevels = new Map<number, number>();
  const level = (levels: Map<number, number>, v: number) => {
    let i = levels.get(v);
    if (i === undefined) levels.set(v, (i = levels.size));
    return i;
  };
  const txOf = new Int32Array(rows.length);
  const TOf = new Int32Array(rows.length);
  let maxX = 0;
  rows.forEach((row, i) => {
    txOf[i] = level(txLevels, row.tx);
    TOf[i] = level(TLevels, row.T);
    maxX = Math.max(maxX, row.x);
  });
  const nTx = txLevels.size;
  const nT = TLevels.size;
  const index = new Map<number, number>();
  const x: number[] = [];
  const weight: number[] = [];
  const txIndex: number[] = [];
  const TIndex: number[] = [];
  rows.forEach((row, i) => {
    const key = (row.x * nTx + txOf[i]!) * nT + TOf[i]!;
    const at = index.get(key);
    if (at !== undefined) {
      weight[at]!++;
      return;
    }
    index.set(key, x.length);
    x.push(row.x);
    weight.push(1);
    txIndex.push(txOf[i]!);
    TIndex.push(TOf[i]!);
  });
  return {
    size: x.length,
    customers: rows.length,
    x: Int32Array.from(x),
    weight: Float64Array.from(weight),
    txIndex: Int32Array.from(txIndex),
    TIndex: Int32Array.from(TIndex),
    txLevels: Float64Array.from(txLevels.keys()),
    TLevels: Float64Array.from(TLevels.keys()),
    maxX,
  };
}

/**
 * A smaller sample for a warm start: tuples weighing at least `stride` customers are kept as they are, the
 * lighter ones one in `stride` with their weight multiplied by `stride` (unbiased, and close enough to start
 * the full fit near its optimum).
 */
export function thinSample(sample: GroupedSample, maxTuples: number): GroupedSample {
  const stride = Math.ceil(sample.size / maxTuples);
  if (stride <= 1) return sample;
  const keep: number[] = [];
  const weights: number[] = [];
  let light = 0;
  for (let i = 0; i < sample.size; i++) {
    const w = sample.weight[i]!;
    if (w >= stride) {
      keep.push(i);
      weights.push(w);
    } else if (light++ % stride === 0) {
      keep.push(i);
      weights.push(w * stride);
    }
  }
  return {
    ...sample,
    size: keep.length,
    x: Int32Array.from(keep, (i) => sample.x[i]!),
    weight: Float64Array.from(weights),
    txIndex: Int32Array.from(keep, (i) => sample.txIndex[i]!),
    TIndex: Int32Array.from(keep, (i) => sample.TIndex[i]!),
  };
}
