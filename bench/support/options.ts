/** Command-line flags of the ingest benchmark. */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  events: number;
  batchSize: number;
  connections: number;
  people: number;
  seed: number;
  timeoutS: number;
  /** Set with --profile: the server runs with --cpu-prof into this folder. */
  profileDir: string | undefined;
  /** --server-env KEY=VALUE (repeatable): settings passed to the server, e.g. CRUMBTRAIL_FLUSH_MAX_EVENTS=2000. */
  serverEnv: Record<string, string>;
}

const USAGE =
  'usage: node dist/bench/ingest.js [--events 1000000] [--batch-size 500] [--connections 8] [--people 50000]\n' +
  '                                 [--seed 42] [--timeout-s 600] [--profile] [--profile-dir /tmp/prof]\n' +
  '                                 [--server-env CRUMBTRAIL_SETTING=value ...]\n';

function positive(name: string, value: string | undefined, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`--${name} must be an integer from 1 to ${max} (got ${value})\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function serverSetting(pair: string): [string, string] {
  const match = /^(CRUMBTRAIL_[A-Z0-9_]+)=(.*)$/.exec(pair);
  if (!match) {
    process.stderr.write(`--server-env takes CRUMBTRAIL_NAME=value (got ${pair})\n${USAGE}`);
    process.exit(2);
  }
  return [match[1]!, match[2]!];
}

/** Parse process.argv; prints usage and exits on --help or a bad value. */
export function parseOptions(argv = process.argv.slice(2)): BenchOptions {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '1000000' },
      'batch-size': { type: 'string', default: '500' },
      connections: { type: 'string', default: '8' },
      people: { type: 'string', default: '50000' },
      seed: { type: 'string', default: '42' },
      'timeout-s': { type: 'string', default: '600' },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string', default: '/tmp/prof' },
      'server-env': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  return {
    events: positive('events', flags.events, 100_000_000),
    batchSize: positive('batch-size', flags['batch-size'], 10_000),
    connections: positive('connections', flags.connections, 1_000),
    people: positive('people', flags.people, 10_000_000),
    seed: positive('seed', flags.seed, 2 ** 31),
    timeoutS: positive('timeout-s', flags['timeout-s'], 24 * 3600),
    profileDir: flags.profile ? path.resolve(flags['profile-dir']!) : undefined,
    serverEnv: Object.fromEntries(flags['server-env']!.map(serverSetting)),
  };
}
