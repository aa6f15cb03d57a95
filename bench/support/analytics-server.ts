/** A real `crumbtrail start` on prepared stores for bench:analytics, with its peak RSS from /proc. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitHealthy } from './server.js';

const ADMIN_TOKEN = 'bench-analytics-admin-token-0123456789';

export interface QueryServer {
  query(kind: string, definition: unknown): Promise<unknown>;
  /** VmHWM: the most resident memory the server has had. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export async function startQueryServer(repoRoot: string, dataDir: string, env: Record<string, string>): Promise<QueryServer> {
  const port = await freePort();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CRUMBTRAIL_')));
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/crumbtrail.js'), 'start', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--log-level', 'warn'], {
    cwd: repoRoot,
    env: { ...clean, ...env, CRUMBTRAIL_ADMIN_TOKEN: ADMIN_TOKEN, CRUMBTRAIL_WRITE_KEY: 'bench-analytics-write-key-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-16_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-16_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitHealthy({ child, pid: child.pid!, output: () => output, exited }, port, 120_000);
  return {
    async query(kind, definition) {
      const res = await fetch(`http://127.0.0.1:${port}/api/query/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(definition),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`${kind}: ${res.status} ${JSON.stringify(body)}\n${output}`);
      return body;
    },
    peakRssMb() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
