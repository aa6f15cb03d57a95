/**
 * The server under test, as a child process started exactly as an operator would (`crumbtrail start` on the
 * embedded stores), plus what the benchmark reads about it from /proc: resident memory and CPU time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/** Ask the kernel for a free port: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  repoRoot: string;
  port: number;
  dataDir: string;
  adminToken: string;
  writeKey: string;
  /** When set, the child runs with --cpu-prof and writes its .cpuprofile here on exit. */
  profileDir?: string;
  /** Extra variables for the child (e.g. CRUMBTRAIL_EVENTS_URL to serve another store), set after the filtering. */
  env?: Record<string, string>;
}

export interface ServerChild {
  child: ChildProcess;
  pid: number;
  /** Last ~64 KB the server wrote to stdout/stderr (shown when something fails). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startServer(options: ServerOptions): ServerChild {
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const args = [
    ...nodeArgs,
    path.join(options.repoRoot, 'bin/crumbtrail.js'),
    'start',
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--data',
    options.dataDir,
    '--log-level',
    'warn',
  ];
  // Only the variables the caller chose: an inherited CRUMBTRAIL_EVENTS_URL / _STATE_URL / … would change what is measured.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CRUMBTRAIL_')));
  const child = spawn(process.execPath, args, {
    cwd: options.repoRoot,
    env: { ...env, ...options.env, CRUMBTRAIL_ADMIN_TOKEN: options.adminToken, CRUMBTRAIL_WRITE_KEY: options.writeKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let captured = '';
  const keep = (chunk: Buffer) => {
    captured = (captured + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) throw new Error('could not spawn the server');
  return { child, pid: child.pid, output: () => captured, exited };
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** A small GET on its own connection (health, stats): not part of the measured traffic. */
export function getJson(port: number, urlPath: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${urlPath} timed out`)));
    request.on('error', reject);
  });
}

/** Poll GET /api/health until it answers 200; fail early if the child dies. Returns ms waited and the store engines. */
export async function waitHealthy(server: ServerChild, port: number, timeoutMs: number): Promise<{ ms: number; engines: string }> {
  const started = performance.now();
  let died = false;
  void server.exited.then(() => (died = true));
  while (performance.now() - started < timeoutMs) {
    if (died) throw new Error(`the server exited during start-up:\n${server.output()}`);
    try {
      const health = await getJson(port, '/api/health', {}, 1_000);
      if (health.status === 200) {
        const stores = (health.body as { stores?: Record<string, { engine?: string }> }).stores ?? {};
        const engines = Object.entries(stores).map(([role, store]) => `${role}: ${store.engine ?? '?'}`).join(', ');
        return { ms: performance.now() - started, engines };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not become healthy within ${timeoutMs} ms:\n${server.output()}`);
}

/** A /proc/<pid>/status field in bytes (VmRSS, VmHWM, …); null when the process is gone or not on Linux. */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, all threads) the process has used so far, from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number, statFile = `/proc/${pid}/stat`): number | null {
  try {
    const stat = fs.readFileSync(statFile, 'utf8');
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on every Linux Node supports
  } catch {
    return null;
  }
}

/**
 * CPU seconds of the process's main thread (its task id is the pid): the event loop, plus whatever native
 * work runs synchronously on it. The rest of the process's CPU ran on other threads (DuckDB's, libuv's, V8's).
 */
export function procMainThreadCpuSeconds(pid: number): number | null {
  return procCpuSeconds(pid, `/proc/${pid}/task/${pid}/stat`);
}

/**
 * The main thread's scheduler counters from /proc/<pid>/task/<pid>/schedstat: seconds it ran and seconds it was
 * runnable but waiting for a CPU. Wall time minus both is time it slept, i.e. the event loop had nothing to do.
 */
export function procMainThreadSchedSeconds(pid: number): { running: number; waiting: number } | null {
  try {
    const [running, waiting] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { running: running! / 1e9, waiting: waiting! / 1e9 };
  } catch {
    return null;
  }
}

/** Samples VmRSS every `everyMs` and remembers the peak. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  peak = 0;
  samples = 0;

  constructor(private readonly pid: number) {}

  start(everyMs = 250): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  private sample(): void {
    const rss = procStatusBytes(this.pid, 'VmRSS');
    if (rss !== null) {
      this.samples++;
      this.peak = Math.max(this.peak, rss);
    }
  }
}

/** SIGTERM, wait for the graceful shutdown (it flushes), SIGKILL if it overstays. */
export async function stopServer(server: ServerChild, graceMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }> {
  const started = performance.now();
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    const done = await server.exited;
    return { ...done, ms: 0, killed: false };
  }
  server.child.kill('SIGTERM');
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    server.child.kill('SIGKILL');
  }, graceMs);
  const done = await server.exited;
  clearTimeout(timer);
  return { ...done, ms: performance.now() - started, killed };
}
