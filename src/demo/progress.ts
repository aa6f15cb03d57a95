import cliProgress from 'cli-progress';

/** Progress through the days of the history (the event total is only known at the end). */
export interface DemoProgress {
  update(day: number, events: number): void;
  stop(): void;
}

const NOT_TTY_EVERY_MS = 5_000;

export function createDemoProgress(options: { enabled: boolean; days: number; stream?: NodeJS.WriteStream }): DemoProgress {
  if (!options.enabled) return { update() {}, stop() {} };
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const rate = (events: number) => Math.round(events / Math.max((Date.now() - started) / 1000, 0.001));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'demo |{bar}| day {value}/{total} | {events} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 30 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.days, 0, { events: 0, rate: 0 });
    return { update: (day, events) => bar.update(day, { events, rate: rate(events) }), stop: () => bar.stop() };
  }
  // A pipe or a log file: a plain line every 5 s instead of redrawing a bar.
  let last = started;
  return {
    update(day, events) {
      const now = Date.now();
      if (now - last < NOT_TTY_EVERY_MS) return;
      last = now;
      stream.write(`demo: day ${day}/${options.days}, ${events} events, ${rate(events)} events/s\n`);
    },
    stop() {},
  };
}
