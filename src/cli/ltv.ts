import { Option, type Command } from 'commander';
import { CrumbtrailError } from '../core/errors.js';
import type { LtvFitInput } from '../models/options.js';
import { DEFAULT_ORDER_EVENT } from '../models/options.js';
import type { LtvResult } from '../models/service.js';
import { TRANSACTION_MODELS } from '../models/transaction-model.js';
import { TIME_UNITS } from '../models/time-unit.js';
import type { Runtime } from '../server/runtime.js';
import { adminRequest } from './admin-request.js';
import { checkOneTarget, openCliRuntime } from './runtime.js';

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
  inProcess: (runtime: Runtime) => Promise<LtvResult>,
): Promise<LtvResult> {
  checkOneTarget({ url: flags.url, dataDir: flags.data });
  if (flags.url !== undefined) return adminRequest<LtvResult>({ url: flags.url, token: flags.adminToken, tokenFlag: '--admin-token' }, method, path, body);
  const runtime = await openCliRuntime(flags.data, 'ltv', { ltvRefreshMs: 0 });
  try {
    return await inProcess(runtime);
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
