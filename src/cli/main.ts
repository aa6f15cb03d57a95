import { Command } from 'commander';
import { ConfigError } from '../core/config.js';
import { VERSION } from '../core/version.js';
import { startCommand } from './start.js';
import { importCommand } from './import/command.js';

const program = new Command('crumbtrail')
  .description('Customer data and lifecycle-marketing platform')
  .version(VERSION);

program
  .command('start')
  .description('Start the server on the embedded stores (DuckDB + SQLite in the data folder)')
  .option('-p, --port <port>', 'HTTP port (env CRUMBTRAIL_PORT, default 4000)')
  .option('--host <host>', 'interface to listen on (env CRUMBTRAIL_HOST, default 0.0.0.0)')
  .option('-d, --data <dir>', 'data folder (env CRUMBTRAIL_DATA, default ./crumbtrail-data)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env CRUMBTRAIL_LOG_LEVEL)')
  .action(startCommand);

importCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`crumbtrail: ${(error as Error).message}\n`);
  process.exit(1);
});
