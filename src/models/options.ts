import { z } from 'zod';
import { TRANSACTION_MODELS } from './transaction-model.js';
import { TIME_UNITS } from './time-unit.js';

export const DEFAULT_ORDER_EVENT = 'Order Completed';

const isoDate = z.iso.date({ error: 'must be a real calendar date, YYYY-MM-DD' });

/** Options of one fit (POST /api/models/ltv/fit, `crumbtrail ltv fit`); one schema for the API, CLI and docs. */
export const ltvFitOptionsSchema = z
  .object({
    model: z.enum(TRANSACTION_MODELS).default('bgnbd').describe('bgnbd (Fader, Hardie & Lee 2005) or paretonbd (Schmittlein et al. 1987)'),
    unit: z.enum(TIME_UNITS).default('week').describe('Time unit of x, t_x, T and the horizon'),
    event: z.string().min(1).max(200).default(DEFAULT_ORDER_EVENT).describe('Track event that is an order; its revenue is the spend'),
    calibrationEnd: isoDate.optional().describe('Last day (UTC, inclusive) of the calibration period; default: today'),
    holdoutEnd: isoDate.optional().describe('Last day of the holdout period, for the tracking diagnostic; default: none'),
    horizon: z.number().positive().max(100_000).optional().describe('Periods for expected transactions; default one year in the unit'),
    clvMonths: z.number().int().min(1).max(120).default(12).describe('CLV horizon in months'),
    discountRate: z.number().min(0).max(1).default(0.1).describe('Annual discount rate for CLV'),
    writeTraits: z.boolean().default(true).describe('Write the per-customer scores to profiles as computed traits'),
  })
  .strict();

export type LtvFitOptions = z.infer<typeof ltvFitOptionsSchema>;
export type LtvFitInput = z.input<typeof ltvFitOptionsSchema>;

export const rfmQuerySchema = z
  .object({
    event: z.string().min(1).max(200).default(DEFAULT_ORDER_EVENT),
    asOf: isoDate.optional().describe('Score purchases up to this day (inclusive); default: today'),
  })
  .strict();
export type RfmQuery = z.infer<typeof rfmQuerySchema>;
