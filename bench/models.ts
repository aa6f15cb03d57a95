/**
 * Customer-value model benchmark (not a test): fitting BG/NBD + Gamma-Gamma.
 *
 *   npm run bench:models -- [--customers 100000] [--seed 42]
 *
 * 1. 100,000 synthetic customers drawn from the BG/NBD story (bench/support/models-synthetic.ts): the fit
 *    over distinct (x, t_x, T) tuples, against a baseline measured in the same run: the naive likelihood
 *    (every customer on their own, ln Γ per customer) timed per evaluation and for a whole fit.
 * 2. The CDNOW master file (23,570 customers), summarised and fitted the same way.
 * The last line is one JSON object. docs/benchmarks.md explains the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { bgNbdFromLog, bgNbdLogLikelihood, fitBgNbd } from '../src/models/bg-nbd.js';
import { clampLog } from '../src/models/fitting.js';
import { fitGammaGamma } from '../src/models/gamma-gamma.js';
import { minimise } from '../src/models/math/nelder-mead.js';
import { groupSample } from '../src/models/sample.js';
import { cdnowMasterSummary, naiveBgNbdLogLikelihood, syntheticCustomers } from './support/models-synthetic.js';
import { fmtInt, round, table } from './support/report.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CUSTOMERS = flag('customers', 100_000);
const SEED = flag('seed', 42);
const TARGET_MS = 2000;
const CDNOW_MASTER = fileURLToPath(new URL('../../../shared/data/cdnow/CDNOW_master.txt', import.meta.url)); // dist/bench → repo/..

const time = <T>(work: () => T): [T, number] => {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
};
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`;

console.log(`customer-value models: ${fmtInt(CUSTOMERS)} synthetic customers (seed ${SEED}), ${os.cpus().length} cores, Node ${process.version}\n`);

const [customers, generateMs] = time(() => syntheticCustomers(CUSTOMERS, SEED));
const [sample, groupMs] = time(() => groupSample(customers));
const [bg, bgMs] = time(() => fitBgNbd(sample));
const spenders = customers.filter((c) => c.x > 0 && c.monetary > 0);
const [gg, ggMs] = time(() => fitGammaGamma(spenders));
const fitMs = groupMs + bgMs + ggMs;

// Baseline, same run: the naive likelihood. Per evaluation first, then a whole naive fit (same optimiser).
const probe = bg.params;
const NAIVE_EVALS = 20;
const [, naiveEvalTotal] = time(() => {
  for (let i = 0; i < NAIVE_EVALS; i++) naiveBgNbdLogLikelihood(probe, customers);
});
const naiveEvalMs = naiveEvalTotal / NAIVE_EVALS;
const [, groupedEvalTotal] = time(() => {
  for (let i = 0; i < NAIVE_EVALS; i++) bgNbdLogLikelihood(probe, sample);
});
const groupedEvalMs = groupedEvalTotal / NAIVE_EVALS;
const [naive, naiveFitMs] = time(() =>
  minimise((p) => -naiveBgNbdLogLikelihood(bgNbdFromLog(clampLog(p)), customers) / customers.length, [0, 0, 0, 0]),
);
const naiveLl = -naive.value * customers.length;

console.log(
  table(`BG/NBD + Gamma-Gamma on ${fmtInt(CUSTOMERS)} customers`, [
    { label: 'distinct (x, t_x, T) tuples', value: `${fmtInt(sample.size)} (${round((100 * sample.size) / CUSTOMERS, 1)} %)` },
    { label: 'group tuples', value: ms(groupMs) },
    { label: `BG/NBD fit (${bg.evaluations} full-sample evaluations)`, value: ms(bgMs) },
    { label: `Gamma-Gamma fit (${fmtInt(spenders.length)} repeat buyers)`, value: ms(ggMs) },
    { label: 'fit total (group + BG/NBD + Gamma-Gamma)', value: ms(fitMs), target: `≤ ${TARGET_MS} ms`, ok: fitMs <= TARGET_MS },
    { label: 'likelihood evaluation, grouped tuples', value: ms(groupedEvalMs) },
    { label: 'baseline: evaluation, naive per customer', value: ms(naiveEvalMs) },
    { label: 'grouping speed-up per evaluation', value: `${round(naiveEvalMs / groupedEvalMs, 1)}×` },
    { label: `baseline: naive fit (per customer, simplex only, ${naive.evaluations} evals)`, value: ms(naiveFitMs) },
    { label: 'speed-up of the BG/NBD fit over the naive one', value: `${round(naiveFitMs / bgMs, 1)}×` },
    { label: '(synthetic data generation, not timed above)', value: ms(generateMs) },
  ]),
);
const p = bg.params;
console.log(
  `\nfitted r ${round(p.r, 4)}, α ${round(p.alpha, 4)}, a ${round(p.a, 4)}, b ${round(p.b, 4)} (truth 0.25, 4.4, 0.8, 2.4); LL ${round(bg.logLikelihood, 2)}, naive fit LL ${round(naiveLl, 2)}`,
);
console.log(`Gamma-Gamma p ${round(gg.params.p, 3)}, q ${round(gg.params.q, 3)}, γ ${round(gg.params.gamma, 3)} (truth 6, 3.7, 15)\n`);

let cdnow: Record<string, number> | null = null;
if (fs.existsSync(CDNOW_MASTER)) {
  const [summary, summaryMs] = time(() => cdnowMasterSummary(CDNOW_MASTER));
  const [cSample, cGroupMs] = time(() => groupSample(summary.customers));
  const [cBg, cBgMs] = time(() => fitBgNbd(cSample));
  const cSpenders = summary.customers.filter((c) => c.x > 0 && c.monetary > 0);
  const [cGg, cGgMs] = time(() => fitGammaGamma(cSpenders));
  const [, cNaiveEvals] = time(() => {
    for (let i = 0; i < NAIVE_EVALS; i++) naiveBgNbdLogLikelihood(cBg.params, summary.customers);
  });
  const [, cGroupedEvals] = time(() => {
    for (let i = 0; i < NAIVE_EVALS; i++) bgNbdLogLikelihood(cBg.params, cSample);
  });
  console.log(
    table(`CDNOW master file: ${fmtInt(summary.customers.length)} customers, 39-week calibration`, [
      { label: 'read + summarise the file (the plain summary pass)', value: ms(summaryMs) },
      { label: 'distinct (x, t_x, T) tuples', value: fmtInt(cSample.size) },
      { label: `group + BG/NBD fit (${cBg.evaluations} full-sample evaluations)`, value: ms(cGroupMs + cBgMs) },
      { label: `Gamma-Gamma fit (${fmtInt(cSpenders.length)} repeat buyers)`, value: ms(cGgMs) },
      { label: 'baseline: likelihood evaluation, naive', value: ms(cNaiveEvals / NAIVE_EVALS) },
      { label: 'likelihood evaluation, grouped', value: ms(cGroupedEvals / NAIVE_EVALS) },
    ]),
  );
  const q = cBg.params;
  console.log(
    `\nfitted r ${round(q.r, 4)}, α ${round(q.alpha, 4)}, a ${round(q.a, 4)}, b ${round(q.b, 4)}; LL ${round(cBg.logLikelihood, 2)}; ` +
      `Gamma-Gamma p ${round(cGg.params.p, 3)}, q ${round(cGg.params.q, 3)}, γ ${round(cGg.params.gamma, 3)}\n`,
  );
  cdnow = { customers: summary.customers.length, tuples: cSample.size, summaryMs: round(summaryMs), bgMs: round(cGroupMs + cBgMs), ggMs: round(cGgMs) };
} else {
  console.log(`CDNOW master file not found at ${CDNOW_MASTER}: skipped\n`);
}

console.log(
  JSON.stringify({
    customers: CUSTOMERS,
    tuples: sample.size,
    fitMs: round(fitMs),
    bgMs: round(bgMs),
    ggMs: round(ggMs),
    evaluations: bg.evaluations,
    groupMs: round(groupMs),
    naiveEvalMs: round(naiveEvalMs, 3),
    groupedEvalMs: round(groupedEvalMs, 3),
    naiveFitMs: round(naiveFitMs),
    targetMs: TARGET_MS,
    cdnow,
  }),
);
