// Builds dist/tracker/crumbtrail.js (run by `npm run build`, after tsc) and prints its size against the budget.
import { TRACKER_GZIP_BUDGET_BYTES, TRACKER_OUTFILE, writeTrackerBuild } from '../dist/src/web/tracker-build.js';

const build = await writeTrackerBuild();
const kb = (n) => (n / 1024).toFixed(2) + ' KB';
console.log(`crumbtrail.js: ${kb(build.bytes)} minified, ${kb(build.gzipBytes)} gzipped (budget ${kb(TRACKER_GZIP_BUDGET_BYTES)}) -> ${TRACKER_OUTFILE}`);
if (build.gzipBytes > TRACKER_GZIP_BUDGET_BYTES) {
  console.error('crumbtrail.js is over its gzip budget');
  process.exit(1);
}
