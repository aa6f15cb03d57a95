import { loadConfig, type ConfigOverrides } from '../core/config.js';
import { createRuntime, type Runtime } from '../server/runtime.js';

/** Commands that work either against a running server (--url) or in-process on its stores (--data). */
export function checkOneTarget(options: { url?: string | undefined; dataDir?: string | undefined }): void {
  if (options.url !== undefined && options.dataDir !== undefined) throw new Error('Use either --url (a running server) or --data (a data folder), not both');
}

/**
 * A short-lived runtime for a CLI command on a data folder (or the shared stores the environment names).
 * Embedded, the folder's lock already makes it the only process. On shared stores a running server holds the
 * configured node id, so the command takes a stable one of its own (`<nodeId>-<role>`), under which its
 * batches replay if it is interrupted.
 */
export async function openCliRuntime(dataDir: string | undefined, role: string, overrides: ConfigOverrides = {}): Promise<Runtime> {
  const base = loadConfig({ ...overrides, dataDir, logLevel: 'silent' });
  const shared = base.eventsUrl !== undefined || base.stateUrl !== undefined;
  const config = Object.freeze({ ...base, nodeId: shared ? `${base.nodeId}-${role}` : base.nodeId });
  return createRuntime(config, { defaultMetrics: false });
}
