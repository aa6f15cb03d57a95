import cliProgress from 'cli-progress';

export interface Progress {
  /** Bytes of the file done so far, and events the store acknowledged in this run (accepted or dropped). */
  update(bytes: number, events: number): void;
  stop(): void;
}

const MB = 1024 * 1024;
const NOT_TTY_EVERY_MS = 5_000;

const noProgress: Progress = { update() {}, stop() {} };

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress by bytes of the file (the only total known without reading it twice). A bar on a terminal; when
 * stderr is a pipe or a log file a plain line every 5 s instead, since redrawing would fill the log with
 * control characters.
 */
export function createProgress(options: { enabled: boolean; totalBytes: number; startBytes: number; stream?: NodeJS.WriteStream }): Progress {
  if (!options.enabled) return noProgress;
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const rate = (events: number) => events / Math.max((Date.now() - started) / 1000, 0.001);

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'import |{bar}| {percentage}% | {done}/{size} MB | {events} events | {rate} events/s | ETA {eta_formatted}',
        hideCursor: true,
        // ETA from this run's speed only: a resumed import starts part-way and must not look instantaneous.
        progressCalculationRelative: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.totalBytes, options.startBytes, payload(options.startBytes, options.totalBytes, 0, 0));
    return {
      update: (bytes, events) => bar.update(bytes, payload(bytes, options.totalBytes, events, rate(events))),
      stop: () => bar.stop(),
    };
  }

  let last = started;
  return {
    update(bytes, events) {
      const now = Date.now();
      if (now - last < NOT_TTY_EVERY_MS) return;
      last = now;
      const percent = options.totalBytes > 0 ? (100 * bytes) / options.totalBytes : 100;
      const bytesPerSecond = (bytes - options.startBytes) / ((now - started) / 1000);
      stream.write(
        `import: ${percent.toFixed(1)}% (${(bytes / MB).toFixed(1)}/${(options.totalBytes / MB).toFixed(1)} MB), ` +
          `${events} events, ${Math.round(rate(events))} events/s, ETA ${eta((options.totalBytes - bytes) / bytesPerSecond)}\n`,
      );
    },
    stop() {},
  };
}

function payload(bytes: number, total: number, events: number, eventsPerSecond: number) {
  return { done: (bytes / MB).toFixed(1), size: (total / MB).toFixed(1), events, rate: Math.round(eventsPerSecond) };
}
