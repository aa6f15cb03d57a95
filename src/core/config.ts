import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DAY, DURATION_UNIT_MS, HOUR, type DurationUnit } from './units.js';

/**
 * Configuration is read once, at the composition root, from CLI flags and environment variables (flags win),
 * validated, frozen, and passed down. A wrong value fails fast with a message naming the variable to fix.
 */
export const DEFAULTS = {
  port: 4000,
  host: '0.0.0.0',
  dataDir: './crumbtrail-data',
  logLevel: 'info',
  nodeId: 'local',
  /** Group commit: a flush starts at most this long after the first buffered event arrives. */
  flushIntervalMs: 10,
  /** …or as soon as this many events are buffered. */
  flushMaxEvents: 10_000,
  /** Back-pressure: above this many buffered events new requests get 503 CT_OVERLOADED. */
  maxBufferedEvents: 200_000,
  /** A messageId already in the event log within this window is a duplicate (Segment keeps 24 h). */
  dedupWindowMs: 48 * HOUR,
  /** A person absorbs at most this many other persons through identify/alias (runaway-merge guard). */
  maxMergesPerPerson: 100,
  shutdownTimeoutMs: 30_000,
  /** Refit the customer-value models and rewrite their computed traits this often; 0 disables (docs/models.md). */
  ltvRefreshMs: 24 * HOUR,
  /** Recompute the analytics computed traits (lifecycleStage, churnSignals, onboarding) this often; 0 disables. */
  analyticsRefreshMs: 24 * HOUR,
  /**
   * The embedded event store's memory while analytic queries run (MB). Every query kind over 10M events fits in
   * 160 MB, and the server then peaks ~440 MB (bench:analytics). A query that needs more fails with
   * CT_QUERY_OUT_OF_MEMORY; more memory makes the largest queries somewhat faster (docs/benchmarks.md).
   */
  queryMemoryMb: 160,
  /**
   * Threads that parse, check and encode tracking requests beside the event loop (src/collect/worker/); 0 does it on
   * the event loop. On two cores a thread gains little (DuckDB's threads need the second core) and costs 70–110 MB
   * (docs/benchmarks.md, session 9); from four cores on, one per core past the first two, up to four.
   */
  collectWorkers: os.availableParallelism() >= 4 ? Math.min(4, os.availableParallelism() - 2) : 0,
} as const;

const ENV = {
  port: 'CRUMBTRAIL_PORT',
  host: 'CRUMBTRAIL_HOST',
  dataDir: 'CRUMBTRAIL_DATA',
  eventsUrl: 'CRUMBTRAIL_EVENTS_URL',
  stateUrl: 'CRUMBTRAIL_STATE_URL',
  adminToken: 'CRUMBTRAIL_ADMIN_TOKEN',
  writeKey: 'CRUMBTRAIL_WRITE_KEY',
  logLevel: 'CRUMBTRAIL_LOG_LEVEL',
  geoipDb: 'CRUMBTRAIL_GEOIP_DB',
  nodeId: 'CRUMBTRAIL_NODE_ID',
  flushIntervalMs: 'CRUMBTRAIL_FLUSH_INTERVAL_MS',
  flushMaxEvents: 'CRUMBTRAIL_FLUSH_MAX_EVENTS',
  maxBufferedEvents: 'CRUMBTRAIL_MAX_BUFFERED_EVENTS',
  dedupWindowMs: 'CRUMBTRAIL_DEDUP_WINDOW_MS',
  maxMergesPerPerson: 'CRUMBTRAIL_MAX_MERGES_PER_PERSON',
  ltvRefreshMs: 'CRUMBTRAIL_LTV_REFRESH',
  analyticsRefreshMs: 'CRUMBTRAIL_ANALYTICS_REFRESH',
  queryMemoryMb: 'CRUMBTRAIL_QUERY_MEMORY_MB',
  collectWorkers: 'CRUMBTRAIL_COLLECT_WORKERS',
} as const;

type ConfigKey = keyof typeof ENV;

/** The `crumbtrail start` flag for each setting that has one. */
const FLAGS: Partial<Record<ConfigKey, string>> = {
  port: '--port',
  host: '--host',
  dataDir: '--data',
  eventsUrl: '--events',
  stateUrl: '--state',
  nodeId: '--node-id',
  logLevel: '--log-level',
};

const settingName = (key: ConfigKey): string => (FLAGS[key] ? `${ENV[key]} (or ${FLAGS[key]})` : ENV[key]);

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const secret = z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces');

const urlWithScheme = (schemes: string[], what: string) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && schemes.includes(new URL(value).protocol.slice(0, -1)), {
      message: `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL for ${what}`,
    })
    .optional();

/** A duration: milliseconds as a number, or text like `90s`, `30m`, `24h`, `7d`; 0 means off. */
const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(String(value));
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 0 (off), 3600000, 30m, 24h or 7d' });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * DURATION_UNIT_MS[(match[2] ?? 'ms') as DurationUnit]);
});

const configSchema = z.object({
  port: integer(0, 65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  /** Unset: the embedded DuckDB file in the data folder. */
  eventsUrl: urlWithScheme(['clickhouse', 'clickhouses'], 'the ClickHouse event store'),
  /** Unset: the embedded SQLite file in the data folder. */
  stateUrl: urlWithScheme(['postgres', 'postgresql'], 'the PostgreSQL state store'),
  adminToken: secret.optional(),
  writeKey: secret.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  geoipDb: z.string().min(1).optional(),
  nodeId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"'),
  flushIntervalMs: integer(0, 10_000),
  flushMaxEvents: integer(1, 1_000_000),
  maxBufferedEvents: integer(1, 10_000_000),
  dedupWindowMs: integer(DAY, 365 * DAY),
  maxMergesPerPerson: integer(0, 100_000),
  ltvRefreshMs: duration,
  analyticsRefreshMs: duration,
  // Not below the 128 MB the store keeps for ingestion (DUCKDB_MEMORY_LIMIT).
  queryMemoryMb: integer(128, 1_000_000),
  collectWorkers: integer(0, 64),
});

export type Config = Readonly<z.infer<typeof configSchema>> & { readonly shutdownTimeoutMs: number };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Flags given on the command line (already named by config key); undefined means "not given". */
export type ConfigOverrides = Partial<Record<ConfigKey, string | number | undefined>>;

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV) as ConfigKey[]) {
    const fromFlag = overrides[key];
    const fromEnv = env[ENV[key]];
    const value = fromFlag !== undefined ? fromFlag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
    raw[key] = value ?? (key in DEFAULTS ? DEFAULTS[key as keyof typeof DEFAULTS] : undefined);
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success && (parsed.data.eventsUrl || parsed.data.stateUrl)) {
    // Scale-out nodes share their stores, so they must share their secrets too: no per-node generated ones.
    const missing = (['adminToken', 'writeKey'] as const).filter((key) => !parsed.data[key]);
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration:\n  ${missing.map((key) => `${ENV[key]} must be set when the stores are shared (--events/--state): every node needs the same value`).join('\n  ')}`,
      );
    }
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as ConfigKey;
      const given = raw[key] === undefined ? '' : ` (got ${JSON.stringify(String(raw[key]))})`;
      return `${settingName(key)} ${issue.message}${given}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze({
    ...parsed.data,
    dataDir: path.resolve(parsed.data.dataDir),
    shutdownTimeoutMs: DEFAULTS.shutdownTimeoutMs,
  });
}
