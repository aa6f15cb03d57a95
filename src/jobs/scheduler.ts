import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/**
 * A small clock-driven job scheduler: each job runs every `everyMs`, measured on the injected Clock. The
 * runtime calls start()/stop(); in production a timer calls tick() once a second, tests call tick() after
 * moving a ManualClock. A run never overlaps the previous run of the same job, and a failing run is logged and
 * retried at the next due time (not immediately, so a broken store is not hammered).
 */
export interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface JobStatus {
  name: string;
  everyMs: number;
  nextRunAt: number;
  lastRunAt: number | null;
  lastError: string | null;
  runs: number;
}

const TICK_MS = 1000;

export class JobScheduler {
  private readonly jobs = new Map<string, JobStatus & { run: () => Promise<unknown>; running: Promise<void> | null }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Register a job; its first run is `everyMs` from now. `everyMs` ≤ 0 disables it (nothing is registered). */
  register(name: string, everyMs: number, run: () => Promise<unknown>): void {
    if (this.jobs.has(name)) throw new Error(`job "${name}" is already registered`);
    if (!(everyMs > 0)) return;
    this.jobs.set(name, { name, everyMs, run, nextRunAt: this.clock.now() + everyMs, lastRunAt: null, lastError: null, runs: 0, running: null });
  }

  /** Start the production timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Stop the timer and wait for runs in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.jobs.values()].map((j) => j.running));
  }

  /** Run every job that is due now; resolves when those runs finish. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    const started: Promise<void>[] = [];
    for (const job of this.jobs.values()) {
      if (job.running || now < job.nextRunAt) continue;
      job.running = (async () => {
        try {
          await job.run();
          job.lastError = null;
        } catch (error) {
          job.lastError = (error as Error).message;
          this.logger.warn({ job: job.name, err: error }, 'scheduled job failed');
        } finally {
          job.runs++;
          job.lastRunAt = now;
          // Next due time from when this run was due, skipping missed slots rather than running them all.
          job.nextRunAt += job.everyMs;
          while (job.nextRunAt <= now) job.nextRunAt += job.everyMs;
          job.running = null;
        }
      })();
      started.push(job.running);
    }
    await Promise.all(started);
  }

  status(): JobStatus[] {
    return [...this.jobs.values()].map(({ name, everyMs, nextRunAt, lastRunAt, lastError, runs }) => ({ name, everyMs, nextRunAt, lastRunAt, lastError, runs }));
  }
}
