import { Option, type Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { CrumbtrailError } from '../core/errors.js';
import type { LtvFitInput } from '../models/options.js';
import { DEFAULT_ORDER_EVENT } from '../models/options.js';
import type { LtvResult } from '../models/service.js';
import { TRANSACTION_MODELS } from '../models/transaction-model.js';
import { TIME_UNITS } from '../models/time-unit.js';
import { createRuntime } from '../server/runtime.js';

interface LtvFlags {
  data?: string;
  url?: string;
  adminToken?: string;
  json?: boolean;
  model?: string;
  unit?: string;
  event?: string;
  calibrationEnd?: string;
  holdoutEnd?: string;
  horizon?: string;
  traits: boolean;
}

const EXAMPLES = `
Examples:
  # On a data folder (no server running on it): fit BG/NBD + Gamma-Gamma, calibration to 1997-09-30
  crumbtrail ltv fit -d ./crumbtrail-data --calibration-end 1997-09-30 --holdout-end 1998-06-30

  # Against a running server, with the admin token
  crumbtrail ltv fit --url http://localhost:4000 --admin-token "$ADMIN_TOKEN" --model paretonbd
  crumbtrail ltv show --url http://localhost:4000 --json

See docs/models.md.`;

/**
 * `crumbtrail ltv fit|show`: like `crumbtrail import`, either over HTTP to a running server (admin token) or
 * in-process on a data folder (or the shared stores the environment names).
 */
export function ltvCommand(program: Command): void {
  const ltv = program.command('ltv').description('Customer-value models: BG/NBD or Pareto/NBD + Gamma-Gamma, RFM (docs/models.md)');
  const common = (command: Command) =>
    command
      .option('-d, --data <dir>', 'data folder to work on in-process (env CRUMBTRAIL_DATA); must not be held by a running server')
      .option('--url <url>', 'a running server instead, e.g. http://localhost:4000')
      .addOption(new Option('--admin-token <token>', 'admin token for --url').env('CRUMBTRAIL_ADMIN_TOKEN'))
      .option('--json', 'print the result as JSON on stdout');

  common(ltv.command('fit'))
    .description('Fit the models on the order events, score every customer and write the scores to profiles')
    .addOption(new Option('--model <model>', 'purchase-count model (default bgnbd)').choices(TRANSACTION_MODELS))
    .addOption(new Option('--unit <unit>', 'time unit (default week)').choices(TIME_UNITS))
    .option('--event <name>', `order event name (default "${DEFAULT_ORDER_EVENT}")`)
    .option('--calibration-end <date>', 'last day of the calibration period, YYYY-MM-DD (default today)')
    .option('--holdout-end <date>', 'last day of the holdout period, for the tracking diagnostic')
    .option('--horizon <periods>', 'periods for expected transactions (default one year)')
    .option('--no-traits', 'do not write computed traits to profiles')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: LtvFlags) => {
      const input: LtvFitInput = {
        ...(flags.model ? { model: flags.model as LtvFitInput['model'] } : {}),
        ...(flags.unit ? { unit: flags.unit as LtvFitInput['unit'] } : {}),
        ...(flags.event ? { event: flags.event } : {}),
        ...(flags.calibrationEnd ? { calibrationEnd: flags.calibrationEnd } : {}),
        ...(flags.holdoutEnd ? { holdoutEnd: flags.holdoutEnd } : {}),
        ...(flags.horizon ? { horizon: Number(flags.horizon) } : {}),
        writeTraits: flags.traits,
      };
      const result = await run(flags, 'POST', '/api/models/ltv/fit', input, (runtime) => runtime.ltv.fit(input));
      print(flags, result);
    });

  common(ltv.command('show'))
    .description('Print the last fit')
    .action(async (flags: LtvFlags) => {
      const result = await run(flags, 'GET', '/api/models/ltv', undefined, async (runtime) => {
        const last = runtime.ltv.last();
        if (!last) throw new CrumbtrailError('CT_LTV_NOT_FITTED');
        return last;
      });
      print(flags, result);
    });
}

async function run(
  flags: LtvFlags,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  inProcess: (runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<LtvResult>,
): Promise<LtvResult> {
  if (flags.url !== undefined && flags.data !== undefined) throw new Error('Use either --url (a running server) or --data (a data folder), not both');
  if (flags.url !== undefined) {
    if (!flags.adminToken) throw new Error('--url needs the admin token: --admin-token or CRUMBTRAIL_ADMIN_TOKEN');
    const res = await fetch(new URL(path, flags.url), {
      method,
      headers: { authorization: `Bearer ${flags.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as LtvResult & { code?: string; message?: string };
    if (!res.ok) throw new Error(`${json.code ?? res.status}: ${json.message ?? 'request failed'}`);
    return json;
  }
  const base = loadConfig({ dataDir: flags.data, logLevel: 'silent' });
  const shared = base.eventsUrl !== undefined || base.stateUrl !== undefined;
  // On shared stores a running server holds the configured node id; this short-lived process takes its own.
  const config = Object.freeze({ ...base, nodeId: shared ? `${base.nodeId}-ltv` : base.nodeId, ltvRefreshMs: 0 });
  const runtime = await createRuntime(config, { defaultMetrics: false });
  try {
    return await inProcess(runtime).catch((error: unknown) => {
      throw error instanceof CrumbtrailError ? new Error(`${error.code}: ${error.message}`) : error;
    });
  } finally {
    await runtime.close();
  }
}

function print(flags: LtvFlags, result: LtvResult): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const { fit } = result;
  const params = (p: object) =>
    Object.entries(p)
      .map(([k, v]) => `${k} = ${(v as number).toPrecision(5)}`)
      .join(', ');
  const lines = [
    `${fit.model} on "${fit.event}", unit ${fit.unit}, calibration to ${fit.calibrationEnd}${fit.holdoutEnd ? `, holdout to ${fit.holdoutEnd}` : ''} (fitted ${fit.fittedAt})`,
    `customers ${fit.customers}, repeat buyers ${fit.repeatBuyers}, distinct (x, t_x, T) ${fit.distinctTuples}`,
    `purchases: ${params(fit.transactions.params)}; log-likelihood ${fit.transactions.logLikelihood.toFixed(2)}${fit.transactions.atBound.length ? `; at bound: ${fit.transactions.atBound.join(', ')}` : ''}`,
    fit.spend
      ? `spend (Gamma-Gamma, ${fit.spend.customers} repeat buyers): ${params(fit.spend.params)}; log-likelihood ${fit.spend.logLikelihood.toFixed(2)}`
      : 'spend: too few repeat buyers with spend for Gamma-Gamma; the mean spend is used',
    fit.diagnostic.holdout
      ? `holdout: ${fit.diagnostic.holdout.actual} repeat purchases, model expected ${fit.diagnostic.holdout.expected.toFixed(1)}`
      : 'holdout: none',
    `scored ${result.scored} customers as of ${result.scoredAsOf}; computed traits written: ${result.traitsWritten}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
