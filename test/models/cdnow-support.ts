import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runImport } from '../../src/cli/import/run.js';
import { ADMIN_TOKEN, WRITE_KEY, type TestStores } from '../support/server.js';

/** The CDNOW files (Fader & Hardie), one level above the repository: ../shared/data/cdnow. */
export const CDNOW_DIR = fileURLToPath(new URL('../../../shared/data/cdnow/', import.meta.url));
export const CDNOW_SAMPLE = `${CDNOW_DIR}CDNOW_sample.txt`;
export const cdnowMissing = fs.existsSync(CDNOW_SAMPLE) ? false : `CDNOW data not found at ${CDNOW_DIR} (a clone without ../shared)`;

/**
 * Import the 2,357-customer sample through `crumbtrail import`'s in-process path into the given stores: each
 * line an "Order Completed" of user `sample_id` with its dollar value as revenue. The importer reads its stores
 * from the environment like the CLI, so the scale-out URLs are set for the duration of the import.
 */
export async function importCdnowSample(stores: TestStores): Promise<void> {
  const saved = { ...process.env };
  if (stores.eventsUrl) {
    Object.assign(process.env, {
      CRUMBTRAIL_EVENTS_URL: stores.eventsUrl,
      CRUMBTRAIL_STATE_URL: stores.stateUrl,
      CRUMBTRAIL_ADMIN_TOKEN: ADMIN_TOKEN,
      CRUMBTRAIL_WRITE_KEY: WRITE_KEY,
    });
  }
  try {
    const summary = await runImport({
      file: CDNOW_SAMPLE,
      dataDir: stores.dataDir,
      batchSize: 5000,
      log: () => {},
      csv: {
        delimiter: 'whitespace',
        header: false,
        columns: ['master_id', 'sample_id', 'date', 'number_of_cds', 'dollar_value'],
        event: 'Order Completed',
        map: { userId: 'sample_id', timestamp: 'date', 'properties.quantity': 'number_of_cds', 'properties.revenue': 'dollar_value' },
      },
    });
    if (summary.accepted !== 6919) throw new Error(`CDNOW sample import accepted ${summary.accepted} of 6919 lines`);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/** cdnow_customers_summary_with_transactions.csv: ID → x, t_x, T (weeks, 2 decimals) and zbar. */
export function publishedSummary(): Map<string, { x: number; tx: number; T: number; zbar: number }> {
  const lines = fs.readFileSync(`${CDNOW_DIR}cdnow_customers_summary_with_transactions.csv`, 'utf8').trim().split(/\r?\n/).slice(1);
  return new Map(
    lines.map((line) => {
      const [id, x, tx, T, zbar] = line.split(',');
      return [id!.padStart(4, '0'), { x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) }];
    }),
  );
}
