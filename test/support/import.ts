import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runImport } from '../../src/cli/import/run.js';
import type { ImportOptions } from '../../src/cli/import/options.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { tempDataDir } from './server.js';

/** Shared by the test/import/*.test.ts files: temp workspaces, running the importer, reading results back. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CDNOW_MASTER = fileURLToPath(new URL('../../../shared/data/cdnow/CDNOW_master.txt', import.meta.url));

export const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder holding a data folder (`data/`) and the files to import. */
export function workspace(): { dir: string; dataDir: string; write(name: string, content: string | Buffer): string } {
  const dir = tempDataDir('crumbtrail-import-');
  cleanup.push(dir);
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
  };
}

export const ndjson = (events: unknown[], eol = '\n') => events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(eol) + eol;

/** runImport with status messages collected instead of printed. */
export async function importFile(options: ImportOptions) {
  const messages: string[] = [];
  const summary = await runImport({ log: (m) => messages.push(m), ...options });
  return { summary, messages };
}

export async function withRuntime<T>(dataDir: string, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir, logLevel: 'silent' }, {});
  const runtime = await createRuntime(config, { logger: createLogger('silent'), defaultMetrics: false });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

/** The person as the admin API shows them: state (ids, traits) plus activity from the event log. */
export async function profileOf(runtime: Runtime, userId: string) {
  const personId = await runtime.state.findPersonId({ userId });
  assert.ok(personId, `no person for userId ${userId}`);
  const profile = (await runtime.state.getProfile(personId))!;
  const activity = await runtime.events.personActivity([profile.personId, ...profile.mergedPersonIds]);
  assert.ok(activity, `no events for userId ${userId}`);
  return { ...profile, ...activity };
}

export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCrumbtrail(['import', ...args]);
}

/** Run `crumbtrail …` from source with no CRUMBTRAIL_* variables but those given. */
export function runCrumbtrail(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRUMBTRAIL_'))), ...extraEnv };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

