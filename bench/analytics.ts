/**
 * bench:analytics — query times on the embedded engine (DuckDB) and, when configured, ClickHouse, side by
 * side in one run over the same synthetic history (~20 events per person).
 *
 *   npm run bench:analytics -- --events 10000000 [--runs 3] [--seed 7]
 *     [--clickhouse clickhouse://default@127.0.0.1:18123 --postgres postgres://postgres@127.0.0.1:15432/postgres]
 *
 * Events are appended straight through each EventStore adapter (loading 10M events over HTTP would measure
 * ingestion, which bench:ingest does). Then a real `crumbtrail start` serves the queries over HTTP, and its
 * peak RSS is read from /proc. The baseline, measured in the same run on the same data, is the cheapest query
 * any analysis needs: one scan counting distinct people.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ShopHistory } from './support/analytics-data.js';
import { ENGINE_QUERIES } from './support/analytics-queries.js';
import { startQueryServer } from './support/analytics-server.js';
import { median } from '../src/analytics/kinds/kind.js';
import { PACKAGE_ROOT } from '../src/core/version.js';
import { DuckDbEventStore } from '../src/store/event-store/duckdb/event-store.js';
import type { EventStore, PersonMerge } from '../src/store/event-store/port.js';
import type { StoredEvent } from '../src/core/events.js';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '7' },
    clickhouse: { type: 'string', default: process.env.CRUMBTRAIL_BENCH_CLICKHOUSE_URL },
    postgres: { type: 'string', default: process.env.CRUMBTRAIL_BENCH_POSTGRES_URL },
  },
});
const TARGET_EVENTS = Number(flags.events);
const RUNS = Number(flags.runs);

interface Engine {
  name: string;
  store: EventStore;
  dataDir: string;
  env: Record<string, string>;
  loadMs: number;
  /** Resolves once the engine has finished the background work the load started. */
  settle(): Promise<void>;
  cleanup(): Promise<void>;
}

async function openEngines(): Promise<Engine[]> {
  const stamp = Date.now();
  const duckDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-analytics-'));
  const duck = await DuckDbEventStore.open(path.join(duckDir, 'events.duckdb'));
  await duck.migrate();
  const engines: Engine[] = [{ name: 'duckdb', store: duck, dataDir: duckDir, env: {}, loadMs: 0, settle: async () => {}, cleanup: async () => fs.rmSync(duckDir, { recursive: true, force: true }) }];
  if (flags.clickhouse && flags.postgres) {
    const { ClickHouseEventStore } = await import('../src/store/event-store/clickhouse/event-store.js');
    const database = `bench_analytics_${stamp}`;
    const eventsUrl = `${flags.clickhouse.replace(/\/$/, '')}/${database}`;
    const ch = await ClickHouseEventStore.open(eventsUrl);
    await ch.migrate();
    const admin = new pg.Client({ connectionString: flags.postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const stateUrl = flags.postgres.replace(/\/[^/]*$/, `/${database}`);
    const chDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-analytics-ch-'));
    engines.push({
      name: 'clickhouse', store: ch, dataDir: chDir, env: { CRUMBTRAIL_EVENTS_URL: eventsUrl, CRUMBTRAIL_STATE_URL: stateUrl }, loadMs: 0,
      settle: () => awaitNoMerges(ch, database),
      cleanup: async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${database}`);
        await admin.end();
        const { dropClickHouseDatabase } = await import('../src/store/event-store/clickhouse/admin.js');
        await dropClickHouseDatabase(eventsUrl).catch(() => {});
        fs.rmSync(chDir, { recursive: true, force: true });
      },
    });
  }
  return engines;
}

/**
 * ClickHouse merges the parts a load wrote for minutes afterwards, on both cores: timing anything meanwhile (the
 * DuckDB queries run first) measures the merges. Waits until none has run for three polls in a row (10 min at most).
 */
async function awaitNoMerges(store: EventStore, database: string): Promise<void> {
  const started = performance.now();
  let idlePolls = 0;
  while (idlePolls < 3 && performance.now() - started < 600_000) {
    const [row] = await store.analytics.query<{ n: number }>('SELECT count() AS n FROM system.merges WHERE database = $database', { database });
    idlePolls = Number(row?.n ?? 0) === 0 ? idlePolls + 1 : 0;
    if (idlePolls < 3) await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  console.log(`clickhouse merges settled after ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

async function load(engines: Engine[]): Promise<{ events: number; people: number }> {
  const history = new ShopHistory(Math.ceil(TARGET_EVENTS / 20) * 2, Number(flags.seed));
  let batch: StoredEvent[] = [];
  let merges: PersonMerge[] = [];
  let events = 0;
  let people = 0;
  const flush = async () => {
    for (const engine of engines) {
      const started = performance.now();
      await engine.store.append(batch);
      if (merges.length > 0) await engine.store.recordMerges(merges);
      engine.loadMs += performance.now() - started;
    }
    batch = [];
    merges = [];
    process.stderr.write(`\rloaded ${events.toLocaleString('en')} events, ${people.toLocaleString('en')} people`);
  };
  while (events < TARGET_EVENTS) {
    const person = history.next();
    if (!person) break;
    people++;
    for (const e of person.events) batch.push(e);
    events += person.events.length;
    if (person.merge) merges.push(person.merge);
    if (batch.length >= 100_000) await flush();
  }
  await flush();
  process.stderr.write('\n');
  return { events, people };
}

/** Median wall time in ms of RUNS sequential calls of `run` (NaN for --runs 0). */
async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times) ?? NaN;
}

async function main(): Promise<void> {
  const engines = await openEngines();
  const results = new Map<string, Map<string, number>>();
  const rss = new Map<string, number>();
  const baseline = new Map<string, number>();
  try {
    const { events, people } = await load(engines);
    for (const engine of engines) await engine.settle();
    console.log(`# bench:analytics — ${events.toLocaleString('en')} events, ${people.toLocaleString('en')} people, median of ${RUNS} runs, ${os.cpus().length} cores`);
    for (const engine of engines) {
      console.log(`load ${engine.name}: ${(engine.loadMs / 1000).toFixed(1)} s (${Math.round(events / (engine.loadMs / 1000)).toLocaleString('en')} events/s through the adapter)`);
      // Baseline: one scan of the log counting distinct people, the floor under any per-person analysis.
      const scanSql = `SELECT count(DISTINCT person_id) AS n FROM ${engine.store.analytics.tables.events}`;
      baseline.set(engine.name, await medianMs(() => engine.store.analytics.query(scanSql)));
      await engine.store.close();
      const server = await startQueryServer(PACKAGE_ROOT, engine.dataDir, engine.env);
      try {
        const byQuery = new Map<string, number>();
        for (const query of ENGINE_QUERIES) byQuery.set(query.label, await medianMs(() => server.query(query.kind, query.definition)));
        results.set(engine.name, byQuery);
        rss.set(engine.name, server.peakRssMb());
      } finally {
        await server.stop();
      }
    }
  } finally {
    for (const engine of engines) await engine.cleanup().catch(() => {});
  }
  const names = engines.map((e) => e.name);
  console.log(`\n| query | ${names.map((n) => `${n} ms`).join(' | ')} | target (DuckDB, 10M events) |`);
  console.log(`|---|${names.map(() => '---:').join('|')}|---|`);
  for (const query of ENGINE_QUERIES) {
    console.log(`| ${query.label} | ${names.map((n) => Math.round(results.get(n)?.get(query.label) ?? NaN)).join(' | ')} | ${query.target ?? ''} |`);
  }
  console.log(`| baseline: count(DISTINCT person_id) scan, in-process | ${names.map((n) => Math.round(baseline.get(n) ?? NaN)).join(' | ')} | |`);
  console.log(`| server peak RSS (MB) | ${names.map((n) => rss.get(n)).join(' | ')} | ≤ 500 |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
