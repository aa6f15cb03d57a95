import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { StoredEvent } from '../core/events.js';
import { openStores, type Stores } from '../server/stores.js';
import { STATE_TABLES, type StateTable } from '../store/state-store/port.js';

const EVENTS_PER_APPEND = 10_000;
const ROWS_PER_PAGE = 5_000;

export interface MigrateOptions {
  from: string;
  eventsUrl: string;
  stateUrl: string;
  progress: boolean;
}

export interface MigrateReport {
  events: { source: number; target: number };
  aliases: { source: number; target: number };
  rows: Record<StateTable, { source: number; target: number }>;
  ok: boolean;
}

/**
 * Copy an embedded installation (DuckDB + SQLite data folder) into ClickHouse + PostgreSQL through the same
 * ports, then verify that every count matches. The target must be empty; the source is only read.
 */
export async function migrateInstallation(options: MigrateOptions): Promise<MigrateReport> {
  const source = await openStores({ dataDir: options.from });
  let target: Stores | null = null;
  try {
    target = await openStores({ dataDir: options.from, eventsUrl: options.eventsUrl, stateUrl: options.stateUrl });
    await requireEmpty(target);
    const sourceRows = await source.state.countRows();
    const sourceEvents = await source.events.countEvents();
    const total = sourceEvents + Object.values(sourceRows).reduce((a, b) => a + b, 0);
    const bar = options.progress
      ? new cliProgress.SingleBar({ format: 'migrate [{bar}] {percentage}% {value}/{total} rows+events {stage}', stream: process.stderr }, cliProgress.Presets.shades_classic)
      : null;
    bar?.start(total, 0, { stage: '' });

    for (const table of STATE_TABLES) {
      for await (const page of source.state.exportTable(table, ROWS_PER_PAGE)) {
        await target.state.importRows(table, page);
        bar?.increment(page.length, { stage: table });
      }
    }
    for (const nodeId of await source.events.nodeIds()) {
      let chunk: StoredEvent[] = [];
      for await (const batch of source.events.batchesAfter(nodeId, 0)) {
        chunk.push(...batch.events);
        if (chunk.length >= EVENTS_PER_APPEND) {
          await target.events.append(chunk);
          bar?.increment(chunk.length, { stage: `events of ${nodeId}` });
          chunk = [];
        }
      }
      if (chunk.length > 0) await target.events.append(chunk);
      bar?.increment(chunk.length, { stage: `events of ${nodeId}` });
    }
    const aliases = await source.events.listAliases();
    await target.events.recordMerges(aliases);
    bar?.stop();

    const targetRows = await target.state.countRows();
    const report: MigrateReport = {
      events: { source: sourceEvents, target: await target.events.countEvents() },
      aliases: { source: aliases.length, target: (await target.events.listAliases()).length },
      rows: Object.fromEntries(STATE_TABLES.map((t) => [t, { source: sourceRows[t], target: targetRows[t] }])) as MigrateReport['rows'],
      ok: false,
    };
    report.ok =
      report.events.source === report.events.target &&
      report.aliases.source === report.aliases.target &&
      STATE_TABLES.every((t) => report.rows[t].source === report.rows[t].target);
    return report;
  } finally {
    await source.events.close();
    await source.state.close();
    if (target) {
      await target.events.close();
      await target.state.close();
    }
  }
}

async function requireEmpty(target: Stores): Promise<void> {
  const rows = await target.state.countRows();
  const events = await target.events.countEvents();
  const busy = Object.entries(rows).filter(([, n]) => n > 0).map(([t, n]) => `${t}: ${n}`);
  if (events > 0) busy.unshift(`events: ${events}`);
  if (busy.length > 0) throw new Error(`The target stores are not empty (${busy.join(', ')}). Migrate into empty databases.`);
}

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Copy an embedded data folder into ClickHouse (events) and PostgreSQL (state), then verify the counts')
    .requiredOption('--from <dir>', 'the embedded data folder to copy (stop its server first)')
    .requiredOption('--events <url>', 'target ClickHouse, clickhouse://user:password@host:8123/database')
    .requiredOption('--state <url>', 'target PostgreSQL, postgres://user:password@host:5432/database')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: { from: string; events: string; state: string; progress: boolean }) => {
      const report = await migrateInstallation({
        from: flags.from,
        eventsUrl: flags.events,
        stateUrl: flags.state,
        progress: flags.progress && process.stderr.isTTY === true,
      });
      const lines = [
        `events:  ${report.events.source} → ${report.events.target}`,
        `aliases: ${report.aliases.source} → ${report.aliases.target}`,
        ...STATE_TABLES.map((t) => `${t}: ${report.rows[t].source} → ${report.rows[t].target}`),
        report.ok ? 'verified: every count matches' : 'MISMATCH: see the counts above',
      ];
      process.stderr.write(`${lines.join('\n')}\n`);
      if (!report.ok) process.exitCode = 1;
    });
}
