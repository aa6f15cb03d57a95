/** A real `crumbtrail start` on prepared stores for bench:analytics, with its peak RSS from /proc. */
import { MB } from '../../src/core/units.js';
import { freePort, procStatusBytes, startServer, stopServer, waitHealthy } from './server.js';

const ADMIN_TOKEN = 'bench-analytics-admin-token-0123456789';
const WRITE_KEY = 'bench-analytics-write-key-0123456789';

export interface QueryServer {
  query(kind: string, definition: unknown): Promise<unknown>;
  /** VmHWM: the most resident memory the server has had. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export async function startQueryServer(repoRoot: string, dataDir: string, env: Record<string, string>): Promise<QueryServer> {
  const port = await freePort();
  const server = startServer({ repoRoot, port, dataDir, adminToken: ADMIN_TOKEN, writeKey: WRITE_KEY, env });
  await waitHealthy(server, port, 120_000);
  return {
    async query(kind, definition) {
      const res = await fetch(`http://127.0.0.1:${port}/api/query/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(definition),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`${kind}: ${res.status} ${JSON.stringify(body)}\n${server.output()}`);
      return body;
    },
    peakRssMb() {
      return Math.round((procStatusBytes(server.pid, 'VmHWM') ?? 0) / MB);
    },
    async stop() {
      await stopServer(server, 60_000);
    },
  };
}
