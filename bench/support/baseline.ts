/**
 * The CPU floor: how fast this machine's V8 can merely JSON.parse the very bodies the server receives. The
 * server must at least do this for every request, so server events/s ÷ this rate says how much of the
 * per-event budget the rest (auth, validation, enrichment, identity, the two stores) takes.
 */
import { MB } from '../../src/core/units.js';

export interface ParseBaseline {
  /** Best pass. */
  eventsPerSecond: number;
  megabytesPerSecond: number;
  /** Every pass, ms. */
  passesMs: number[];
}

export function measureJsonParse(bodies: string[], events: number, bytes: number, passes = 3): ParseBaseline {
  const passesMs: number[] = [];
  let sink = 0;
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    for (const body of bodies) {
      const parsed = JSON.parse(body) as { batch: unknown[] };
      sink += parsed.batch.length; // keep the result alive so the parse cannot be optimised away
    }
    passesMs.push(performance.now() - started);
  }
  if (sink !== events * passes) throw new Error(`JSON.parse baseline read ${sink / passes} events, expected ${events}`);
  const best = Math.min(...passesMs);
  return {
    eventsPerSecond: events / (best / 1000),
    megabytesPerSecond: bytes / MB / (best / 1000),
    passesMs,
  };
}
