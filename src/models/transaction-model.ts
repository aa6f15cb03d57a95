import { bgNbdConditionalExpected, bgNbdExpected, bgNbdPAlive, fitBgNbd, type BgNbdParams } from './bg-nbd.js';
import type { FitResult } from './fitting.js';
import { fitParetoNbd, paretoNbdConditionalExpected, paretoNbdExpected, paretoNbdPAlive, type ParetoNbdParams } from './pareto-nbd.js';
import type { GroupedSample } from './sample.js';

export const TRANSACTION_MODELS = ['bgnbd', 'paretonbd'] as const;
export type TransactionModelName = (typeof TRANSACTION_MODELS)[number];

export type TransactionParams = BgNbdParams | ParetoNbdParams;

/** What scoring and diagnostics need from a fitted purchase-count model, whichever it is. */
export interface TransactionModel {
  pAlive(x: number, tx: number, T: number): number;
  /** E[Y(t) | x, t_x, T]: expected purchases in the next t periods. */
  conditionalExpected(t: number, x: number, tx: number, T: number): number;
  /** E[X(t)]: expected purchases of a customer in their first t periods after the first purchase. */
  expected(t: number): number;
}

export function transactionModel(name: TransactionModelName, params: TransactionParams): TransactionModel {
  if (name === 'bgnbd') {
    const p = params as BgNbdParams;
    return {
      pAlive: (x, tx, T) => bgNbdPAlive(p, x, tx, T),
      conditionalExpected: (t, x, tx, T) => bgNbdConditionalExpected(p, t, x, tx, T),
      expected: (t) => bgNbdExpected(p, t),
    };
  }
  const p = params as ParetoNbdParams;
  return {
    pAlive: (x, tx, T) => paretoNbdPAlive(p, x, tx, T),
    conditionalExpected: (t, x, tx, T) => paretoNbdConditionalExpected(p, t, x, tx, T),
    expected: (t) => paretoNbdExpected(p, t),
  };
}

export function fitTransactionModel(name: TransactionModelName, sample: GroupedSample): FitResult<TransactionParams> {
  return name === 'bgnbd' ? fitBgNbd(sample) : fitParetoNbd(sample);
}
