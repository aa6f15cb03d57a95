import cliProgress from 'cli-progress';

/** Progress of a long CLI run (`crumbtrail import`, `crumbtrail demo`): some position out of a known total, and events. */
export interface Progress {
  update(value: number, events: number): void;
  stop(): void;
}

/** Where a run is, for the plain line. */
export interface ProgressPoint {
  value: number;
  events: number;
  eventsPerSecond: number;
  elapsedSeconds: number;
}

export interface ProgressOptions {
  enabled: boolean;
  total: number;
  /** Where this run starts (a resumed import starts part-way). */
  start?: number;
  stream?: NodeJS.WriteStream;
  /**
   * The bar on a terminal: a cli-progress format that may use {events}, {rate} (events/s) and the fields'
   * keys besides cli-progress's own ({bar}, {value}, {total}, {percentage}, {eta_formatted}).
   */
  bar: { format: string; etaBuffer: number; progressCalculationRelative?: boolean; fields?: (value: number) => Record<string, string> };
  /** The line printed every 5 s instead when the stream is a pipe or a log file. */
  line: (point: ProgressPoint) => string;
}

const NOT_TTY_EVERY_MS = 5_000;

const noProgress: Progress = { update() {}, stop() {} };

/**
 * A bar on a terminal; when stderr is a pipe or a log file a plain line every 5 s instead, since redrawing
 * would fill the log with control characters.
 */
export function createProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return noProgress;
  const stream = options.stream ?? process.stderr;
  const start = options.start ?? 0;
  const started = Date.now();
  const rate = (events: number) => events / Math.max((Date.now() - started) / 1000, 0.001);

  if (stream.isTTY) {
    const { format, etaBuffer, progressCalculationRelative, fields } = options.bar;
    const bar = new cliProgress.SingleBar(
      { stream, format, hideCursor: true, etaBuffer, ...(progressCalculationRelative ? { progressCalculationRelative } : {}) },
      cliProgress.Presets.shades_classic,
    );
    const payload = (value: number, events: number, eventsPerSecond: number) => ({ ...fields?.(value), events, rate: Math.round(eventsPerSecond) });
    bar.start(options.total, start, payload(start, 0, 0));
    return {
      update: (value, events) => bar.update(value, payload(value, events, rate(events))),
      stop: () => bar.stop(),
    };
  }

  let last = started;
  return {
    update(value, events) {
      const now = Date.now();
      if (now - last < NOT_TTY_EVERY_MS) return;
      last = now;
      stream.write(`${options.line({ value, events, eventsPerSecond: rate(events), elapsedSeconds: (now - started) / 1000 })}\n`);
    },
    stop() {},
  };
}
