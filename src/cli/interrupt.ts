/**
 * Ctrl-C (or SIGTERM) for long CLI runs: the first asks the run to stop after what it is doing (the signal
 * aborts), a second quits at once. `release()` removes the handlers.
 */
export function stopOnSignal(stoppingMessage: string): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${stoppingMessage} (Ctrl-C again to quit at once)…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** A run's summary as JSON on stdout, without its timing (which differs run to run). */
export function printJsonSummary(summary: { durationMs: number }): void {
  const { durationMs: _duration, ...json } = summary;
  process.stdout.write(`${JSON.stringify(json)}\n`);
}
