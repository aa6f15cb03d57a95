import path from 'node:path';
import { loadConfig, type ConfigOverrides } from '../core/config.js';
import { startServer } from '../server/runtime.js';
import { DATA_FILES } from '../server/stores.js';
import { systemClock } from '../core/clock.js';
import { demoOnStart } from '../demo/on-start.js';

export interface StartFlags {
  port?: string;
  host?: string;
  data?: string;
  events?: string;
  state?: string;
  nodeId?: string;
  logLevel?: string;
  /** Load the demo history into an empty store once listening (docs/demo-data.md). */
  demo?: boolean;
}

export async function startCommand(flags: StartFlags): Promise<void> {
  const overrides: ConfigOverrides = {
    port: flags.port,
    host: flags.host,
    dataDir: flags.data,
    eventsUrl: flags.events,
    stateUrl: flags.state,
    nodeId: flags.nodeId,
    logLevel: flags.logLevel,
  };
  const config = loadConfig(overrides);
  const server = await startServer(config);
  const { credentials, logger } = server.runtime;
  const stores = `events: ${server.runtime.events.engine}, state: ${server.runtime.state.engine}`;
  const lines = [`Crumbtrail ${server.url}  (data: ${config.dataDir}; ${stores}; node: ${config.nodeId})`];
  if (credentials.generated.length > 0) {
    lines.push(`Generated and saved to ${path.join(config.dataDir, DATA_FILES.credentials)}:`);
    if (credentials.generated.includes('adminToken')) lines.push(`  admin token: ${credentials.adminToken}`);
    if (credentials.generated.includes('writeKey')) lines.push(`  write key:   ${credentials.writeKey}`);
  } else {
    lines.push(`Admin token and write key: ${path.join(config.dataDir, DATA_FILES.credentials)} (or your environment)`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  const demo = demoOnStart(server, { load: flags.demo === true, clock: systemClock });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests and flushing the write buffer');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    // The demo's last batch first: a keep-alive connection that is busy when the server closes lingers.
    demo.stop().then(() => server.close()).then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
