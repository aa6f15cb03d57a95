import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTracker, measure, TRACKER_OUTFILE, type TrackerBuild } from './tracker-build.js';

/** Running from TypeScript source (tsx: tests, development) rather than from the compiled dist/. */
const RUNNING_FROM_SOURCE = fileURLToPath(import.meta.url).endsWith('.ts');

let cached: Promise<TrackerBuild> | null = null;

/**
 * The tracker's code, once per process. From source the tracker is built in-process from tracker/src (so tests
 * never see a stale build); compiled, it is the file `npm run build` wrote, built on the spot only if missing.
 */
export function trackerCode(): Promise<TrackerBuild> {
  cached ??= (async () => {
    if (!RUNNING_FROM_SOURCE && fs.existsSync(TRACKER_OUTFILE)) return measure(fs.readFileSync(TRACKER_OUTFILE, 'utf8'));
    return buildTracker();
  })().catch((error: unknown) => {
    cached = null; // a failed build (esbuild missing in a production install without dist/) is retried next time
    throw error;
  });
  return cached;
}
