import type { CustomerPlan } from './customers.js';
import { DAY } from '../core/units.js';
import { scheduleCustomer, scheduleVisitor } from './history.js';
import { DESIGN } from './planted.js';
import { subSeed } from './random.js';
import { Timeline } from './timeline.js';

export interface DemoOptions {
  /** Customers who sign up (default 5,000); anonymous visitors who never do come on top (DESIGN.visitorsPerCustomer). */
  customers: number;
  /** Length of the history in days, ending at `endMs`. */
  days: number;
  seed: number;
  /** The history ends here (the clock's now, or --end). */
  endMs: number;
}

export const DEMO_DEFAULTS = { customers: 5000, days: 365, seed: 42 } as const;

/** A Segment event as sent to /v1/batch, with its time in epoch ms alongside. */
export interface DemoEvent {
  at: number;
  event: Record<string, unknown>;
}

export interface Demo {
  options: DemoOptions;
  /** `demo-<runId>-…` prefixes every messageId: it depends on the seed and every option, nothing else. */
  runId: string;
  startMs: number;
  /** Every customer's hidden plan, for tests and the report (the events are the truth). */
  customers: CustomerPlan[];
  visitors: number;
  /** People the event log should hold after ingestion: each customer and each visitor becomes one person. */
  expectedPeople: number;
  /** The whole history in time order; expanded lazily (call once). */
  events: Generator<DemoEvent>;
}

export function checkDemoOptions(options: DemoOptions): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max} (got ${value})`);
  };
  whole('customers', options.customers, 1, 1_000_000);
  whole('days', options.days, 7, 3650);
  whole('seed', options.seed, 0, 2 ** 32 - 1);
  if (!Number.isFinite(options.endMs)) throw new Error('--end must be a date such as 2026-01-01T00:00:00Z');
}

/**
 * Plan a reproducible synthetic shop history: the same options give byte-identical events (messageIds
 * included); another seed gives another history. Customer i's history depends only on the seed, i and the
 * time range, so a smaller population is a prefix of a larger one's customers.
 */
export function planDemo(options: DemoOptions): Demo {
  checkDemoOptions(options);
  const startMs = options.endMs - options.days * DAY;
  const timeline = new Timeline(options.endMs);
  const runId = subSeed(options.seed, options.customers, options.days, options.endMs).toString(36);
  const customers: CustomerPlan[] = [];
  for (let i = 0; i < options.customers; i++) customers.push(scheduleCustomer(timeline, runId, options.seed, i, startMs));
  const visitors = Math.round(options.customers * DESIGN.visitorsPerCustomer);
  for (let i = 0; i < visitors; i++) scheduleVisitor(timeline, runId, options.seed, i, startMs);
  const { customers: count, days, seed, endMs } = options;
  return { options: { customers: count, days, seed, endMs }, runId, startMs, customers, visitors, expectedPeople: options.customers + visitors, events: timeline.drain() };
}
