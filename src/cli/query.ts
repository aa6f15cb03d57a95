import { Option, type Command } from 'commander';
import { QUERY_KINDS } from '../analytics/kinds/index.js';
import { queryContext, runAnalyticsQuery } from '../analytics/run-query.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { openStores } from '../server/stores.js';
import { adminRequest } from './admin-request.js';

interface QueryFlags {
  json: string;
  data?: string;
  url?: string;
  token?: string;
}

function parseDefinition(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`--json is not valid JSON: ${(error as Error).message}`);
  }
}

/** Open the data folder's (or the configured scale-out) stores, run one query, close. */
async function queryInProcess(kind: string, definition: unknown, dataDir: string | undefined): Promise<unknown> {
  const config = loadConfig({ dataDir, logLevel: 'silent' });
  const stores = await openStores(config);
  try {
    return await runAnalyticsQuery(kind, definition, queryContext(stores.events.analytics, systemClock));
  } finally {
    await stores.events.close();
    await stores.state.close();
  }
}

export function queryCommand(program: Command): void {
  program
    .command('query')
    .description(`Run an analytics query and print its JSON result (kinds: ${QUERY_KINDS.map((k) => k.name).join(', ')}; docs/analytics.md)`)
    .argument('<kind>', 'query kind')
    .requiredOption('--json <definition>', 'the query definition as JSON, e.g. \'{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}]}\'')
    .option('-d, --data <dir>', 'data folder to read (env CRUMBTRAIL_DATA; the server must not be running on it: use --url then)')
    .option('--url <url>', 'ask a running server instead, e.g. http://localhost:4000')
    .addOption(new Option('--token <token>', 'admin token for --url').env('CRUMBTRAIL_ADMIN_TOKEN'))
    .action(async (kind: string, flags: QueryFlags) => {
      const definition = parseDefinition(flags.json);
      const result = flags.url
        ? await adminRequest({ url: flags.url, token: flags.token, tokenFlag: '--token' }, 'POST', `/api/query/${encodeURIComponent(kind)}`, definition)
        : await queryInProcess(kind, definition, flags.data);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}
