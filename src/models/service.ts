import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { CrumbtrailError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EventStore } from '../store/event-store/port.js';
import type { StateStore } from '../store/state-store/port.js';
import { fitLtv, type LtvFit } from './fit.js';
import { ltvFitOptionsSchema, rfmQuerySchema, type LtvFitInput, type LtvFitOptions, type RfmQuery } from './options.js';
import { rfmReport, type RfmReport } from './rfm-report.js';
import { scoreCustomers, scoreTraits } from './score.js';
import { summariseCustomers, summariseInStore } from './summary-sql.js';
import type { SummaryWindow } from './summary.js';
import { dayOf, isoDay, periodsPerYear } from './time-unit.js';

const NOT_ENOUGH_DATA = new Set<string>(['CT_LTV_TOO_FEW_CUSTOMERS', 'CT_LTV_NO_REPEAT_BUYERS']);

export interface LtvResult {
  fit: LtvFit;
  options: LtvFitOptions;
  /** The day scores were computed as of (all orders up to it). */
  scoredAsOf: string;
  scored: number;
  traitsWritten: number;
}

export interface LtvServiceDeps {
  events: EventStore;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  /** Where the last fit is kept (`<dataDir>/models/ltv.json`), so `GET /api/models/ltv` survives restarts. */
  dataDir: string;
}

/**
 * Fits the customer-value models on the order events, scores every customer and writes the scores to profiles
 * as computed traits. Used by the API, the CLI (in-process) and the refresh job.
 */
export class LtvService {
  /** The fit in progress: fits run one after another (the refresh job and an API request never overlap). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: LtvServiceDeps) {}

  private get file(): string {
    return path.join(this.deps.dataDir, 'models', 'ltv.json');
  }

  /** Validate the options, then fit after any fit in progress. */
  fit(input: LtvFitInput | unknown): Promise<LtvResult> {
    const parsed = ltvFitOptionsSchema.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return Promise.reject(new CrumbtrailError('CT_INVALID_LTV_OPTIONS', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues }));
    }
    const options = parsed.data;
    const next = this.queue.catch(() => {}).then(() => this.run(options));
    this.queue = next;
    return next;
  }

  private async run(options: LtvFitOptions): Promise<LtvResult> {
    const now = this.deps.clock.now();
    const today = dayOf(now);
    const calibrationEndDay = options.calibrationEnd ? dayOf(Date.parse(options.calibrationEnd)) : today;
    const holdoutEndDay = options.holdoutEnd ? dayOf(Date.parse(options.holdoutEnd)) : calibrationEndDay;
    if (holdoutEndDay < calibrationEndDay) {
      throw new CrumbtrailError('CT_INVALID_LTV_OPTIONS', `holdoutEnd ${options.holdoutEnd} is before calibrationEnd ${isoDay(calibrationEndDay)}.`);
    }
    const window: SummaryWindow = { unit: options.unit, calibrationEndDay, holdoutEndDay };
    const calibration = await summariseInStore(this.deps.events.analytics, options.event, window);
    const fit = fitLtv(calibration, options.model, options.event, now);

    // Scores describe customers as of the latest data: today, or the holdout end when a past window was fitted.
    const asOfDay = Math.min(today, Math.max(holdoutEndDay, calibrationEndDay));
    const current =
      asOfDay === calibrationEndDay && holdoutEndDay === calibrationEndDay
        ? calibration
        : await summariseCustomers(this.deps.events.analytics, options.event, { unit: options.unit, calibrationEndDay: asOfDay, holdoutEndDay: asOfDay });
    const horizon = options.horizon ?? periodsPerYear(options.unit);
    const scores = scoreCustomers(current.customers, fit, { horizon, clvMonths: options.clvMonths, discountRate: options.discountRate }, asOfDay);

    let traitsWritten = 0;
    if (options.writeTraits) {
      const at = new Date(now).toISOString();
      // One call, so one transaction: a failed write leaves every profile on the previous fit's scores, never
      // some on each (the stores batch statements inside the call themselves).
      await this.deps.state.setComputedTraits(
        scores.map((s) => ({ personId: s.personId, traits: scoreTraits(s, fit, horizon, at) })),
        now,
      );
      traitsWritten = scores.length;
    }
    const result: LtvResult = { fit, options, scoredAsOf: isoDay(asOfDay), scored: scores.length, traitsWritten };
    this.save(result);
    this.deps.logger.info({ model: fit.model, customers: fit.customers, logLikelihood: fit.transactions.logLikelihood, traitsWritten }, 'ltv fit');
    return result;
  }

  /** The last fit (this process's, or the one saved in the data folder), or null. */
  last(): LtvResult | null {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as LtvResult;
    } catch {
      return null;
    }
  }

  /**
   * The scheduled refresh: the last fit's options over all data up to today, or the defaults. An installation
   * without (repeat) orders yet is not an error here: the refresh logs that and waits for the next slot.
   */
  async refresh(): Promise<LtvResult | null> {
    const last = this.last()?.options;
    const { calibrationEnd: _c, holdoutEnd: _h, ...options } = last ?? ltvFitOptionsSchema.parse({});
    try {
      return await this.fit(options);
    } catch (error) {
      if (error instanceof CrumbtrailError && NOT_ENOUGH_DATA.has(error.code)) {
        this.deps.logger.info({ code: error.code }, 'ltv refresh skipped: not enough order data yet');
        return null;
      }
      throw error;
    }
  }

  async rfm(input: unknown): Promise<RfmReport> {
    const parsed = rfmQuerySchema.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new CrumbtrailError('CT_INVALID_LTV_OPTIONS', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
    }
    const query: RfmQuery = parsed.data;
    const asOfDay = query.asOf ? dayOf(Date.parse(query.asOf)) : dayOf(this.deps.clock.now());
    const summary = await summariseCustomers(this.deps.events.analytics, query.event, { unit: 'day', calibrationEndDay: asOfDay, holdoutEndDay: asOfDay });
    return rfmReport(summary.customers, query.event, asOfDay);
  }

  private save(result: LtvResult): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(result));
    fs.renameSync(temp, this.file);
  }
}
