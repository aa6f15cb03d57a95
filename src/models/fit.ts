import { CrumbtrailError } from '../core/errors.js';
import { paramsAtBound } from './fitting.js';
import { fitGammaGamma, type GammaGammaParams } from './gamma-gamma.js';
import { groupSample } from './sample.js';
import type { OrderSummary } from './summary.js';
import { trackingDiagnostic, type TrackingDiagnostic } from './diagnostic.js';
import { fitTransactionModel, transactionModel, type TransactionModelName, type TransactionParams } from './transaction-model.js';
import { isoDay, type TimeUnit } from './time-unit.js';

/** Fewer customers than this cannot identify four parameters with any confidence. */
export const MIN_CUSTOMERS = 20;
/** Gamma-Gamma needs a few repeat buyers with positive spend; below this the spend model is left out. */
export const MIN_SPEND_CUSTOMERS = 3;

export interface LtvFit {
  model: TransactionModelName;
  unit: TimeUnit;
  event: string;
  /** ISO dates (inclusive). */
  calibrationEnd: string;
  holdoutEnd: string | null;
  fittedAt: string;
  customers: number;
  repeatBuyers: number;
  /** Distinct (x, t_x, T) tuples the likelihood was evaluated over. */
  distinctTuples: number;
  transactions: { params: TransactionParams; logLikelihood: number; iterations: number; converged: boolean; atBound: string[] };
  /** Gamma-Gamma on repeat buyers with positive mean spend; null when there are too few of them. */
  spend: { params: GammaGammaParams; logLikelihood: number; customers: number; converged: boolean } | null;
  diagnostic: TrackingDiagnostic;
}

/**
 * Fit the purchase-count model and the spend model to a summary, refusing data they cannot be fitted to with a
 * catalogued error instead of returning NaN parameters.
 */
export function fitLtv(summary: OrderSummary, model: TransactionModelName, event: string, fittedAt: number): LtvFit {
  const { customers, window } = summary;
  if (customers.length < MIN_CUSTOMERS) {
    throw new CrumbtrailError('CT_LTV_TOO_FEW_CUSTOMERS', `Found ${customers.length} customers with "${event}" by ${isoDay(window.calibrationEndDay)}.`);
  }
  if (summary.minRevenue < 0) {
    throw new CrumbtrailError('CT_LTV_NEGATIVE_REVENUE', `The lowest daily revenue of a customer is ${summary.minRevenue}.`);
  }
  const repeatBuyers = customers.filter((c) => c.x > 0).length;
  if (repeatBuyers === 0) throw new CrumbtrailError('CT_LTV_NO_REPEAT_BUYERS', `All ${customers.length} customers bought on one day only.`);

  const sample = groupSample(customers);
  const fitted = fitTransactionModel(model, sample);
  const finite = Number.isFinite(fitted.logLikelihood) && Object.values(fitted.params).every((v) => Number.isFinite(v) && v > 0);
  if (!finite) throw new CrumbtrailError('CT_LTV_FIT_FAILED', `${model}: log-likelihood ${fitted.logLikelihood}.`);

  const spenders = customers.filter((c) => c.x > 0 && c.monetary > 0);
  let spend: LtvFit['spend'] = null;
  if (spenders.length >= MIN_SPEND_CUSTOMERS) {
    const gg = fitGammaGamma(spenders);
    // q ≤ 1 means an infinite population mean spend: the model does not describe this data, so leave it out.
    if (Number.isFinite(gg.logLikelihood) && gg.params.q > 1) {
      spend = { params: gg.params, logLikelihood: gg.logLikelihood, customers: spenders.length, converged: gg.converged };
    }
  }

  return {
    model,
    unit: window.unit,
    event,
    calibrationEnd: isoDay(window.calibrationEndDay),
    holdoutEnd: window.holdoutEndDay > window.calibrationEndDay ? isoDay(window.holdoutEndDay) : null,
    fittedAt: new Date(fittedAt).toISOString(),
    customers: customers.length,
    repeatBuyers,
    distinctTuples: sample.size,
    transactions: {
      params: fitted.params,
      logLikelihood: fitted.logLikelihood,
      iterations: fitted.iterations,
      converged: fitted.converged,
      atBound: paramsAtBound(fitted.params),
    },
    spend,
    diagnostic: trackingDiagnostic(summary, transactionModel(model, fitted.params)),
  };
}
