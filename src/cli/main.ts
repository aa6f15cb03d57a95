import { Command } from 'commander';
import { ConfigError } from '../core/config.js';
import { CrumbtrailError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { startCommand } from './start.js';
import { importCommand } from './import/command.js';
import { migrateCommand } from './migrate.js';
import { ltvCommand } from './ltv.js';
import { queryCommand } from './query.js';
import { demoCommand } from './demo.js';

const program = new Command('crumbtrail')
  .description('Customer data and lifecycle-marketing platform')
  .version(VERSION);

program
  .command('start')
  .description('Start the server: embedded stores in the data folder by default, or ClickHouse + PostgreSQL')
  .option('-p, --port <port>', 'HTTP port (env CRUMBTRAIL_PORT, default 4000)')
  .option('--host <host>', 'interface to listen on (env CRUMBTRAIL_HOST, default 0.0.0.0)')
  .option('-d, --data <dir>', 'data folder (env CRUMBTRAIL_DATA, default ./crumbtrail-data)')
  .option('--events <url>', 'ClickHouse event store, clickhouse://user:password@host:8123/db (env CRUMBTRAIL_EVENTS_URL)')
  .option('--state <url>', 'PostgreSQL state store, postgres://user:password@host:5432/db (env CRUMBTRAIL_STATE_URL)')
  .option('--node-id <id>', 'this node\'s name when several share the stores (env CRUMBTRAIL_NODE_ID)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env CRUMBTRAIL_LOG_LEVEL)')
  .option('--demo', 'load the demo shop history (crumbtrail demo, defaults) in the background once listening, if the store is empty')
  .action(startCommand);

importCommand(program);
migrateCommand(program);
ltvCommand(program);
queryCommand(program);
demoCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  // A catalog error (a query or model refused in-process) is named by its code, as the HTTP API names it.
  const message = error instanceof CrumbtrailError ? `${error.code}: ${error.message}` : (error as Error).message;
  process.stderr.write(`crumbtrail: ${message}\n`);
  process.exit(1);
});
