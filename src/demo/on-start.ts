import { HttpSink } from '../cli/import/sink.js';
import type { Clock } from '../core/clock.js';
import type { RunningServer } from '../server/runtime.js';
import { DEMO_DEFAULTS } from './generate.js';
import { formatDemoReport, runDemo } from './run.js';

/**
 * What `crumbtrail start` does about the demo once it is listening (docs/demo-data.md):
 * - with --demo and an empty event store: load the default demo history in the background, through the
 *   server's own /v1/batch (the real HTTP path, with its back-pressure), while the server already answers;
 * - with --demo and events already stored: say so and load nothing (the demo never mixes into real data);
 * - without --demo and an empty event store: print the offer with the exact command.
 */
export interface DemoOnStart {
  /** Stop loading after the current batch (on shutdown); settles when the load has stopped. */
  stop(): Promise<void>;
  /** Settles when the offer is printed or the load has finished, stopped or failed. */
  done: Promise<void>;
}

export function demoOnStart(
  server: RunningServer,
  options: {
    load: boolean;
    clock: Clock;
    write?: (text: string) => void;
    /** Tests load a smaller history; `crumbtrail start --demo` uses DEMO_DEFAULTS. */
    size?: { customers: number; days: number; seed: number };
  },
): DemoOnStart {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const controller = new AbortController();
  const done = (async () => {
    try {
      // Every start asks, so only whether the log is empty: an exact count is a full FINAL scan on ClickHouse.
      if (!(await isEmpty(server))) {
        if (options.load) {
          const stored = await server.runtime.events.countEvents();
          write(`--demo: the event store already holds ${stored} events; the demo is only loaded into an empty store.\n`);
        }
        return;
      }
    } catch (error) {
      server.runtime.logger.warn({ err: error }, 'demo: cannot count stored events; not offering the demo');
      return;
    }
    if (!options.load) {
      write(
        'The event store is empty. To explore Crumbtrail with a demo coffee shop (5,000 customers, a year of history):\n' +
          '  crumbtrail start --demo        (npm start -- --demo) loads it in the background after start\n' +
          `  crumbtrail demo --url ${server.url} --write-key <write key>        loads it into this running server\n` +
          'See docs/demo-data.md.\n',
      );
      return;
    }
    const { customers, days, seed } = options.size ?? DEMO_DEFAULTS;
    write(`Loading the demo shop history in the background (${customers} customers, ${days} days, seed ${seed})…\n`);
    try {
      const sink = new HttpSink({ url: server.url, writeKey: server.runtime.credentials.writeKey });
      const summary = await runDemo({ customers, days, seed, endMs: options.clock.now(), signal: controller.signal }, sink);
      write(formatDemoReport(summary));
    } catch (error) {
      if (!controller.signal.aborted) server.runtime.logger.error({ err: error }, 'demo: loading the demo history failed');
    }
  })();
  return {
    stop: () => {
      controller.abort();
      return done;
    },
    done,
  };
}

/** One row or none, on either engine (no FINAL: a duplicate not yet merged away still means "not empty"). */
async function isEmpty(server: RunningServer): Promise<boolean> {
  const { analytics } = server.runtime.events;
  return (await analytics.query(`SELECT 1 AS one FROM ${analytics.tables.events} LIMIT 1`)).length === 0;
}
