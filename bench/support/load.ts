/**
 * The load generator: N workers share one keep-alive agent (one socket each) and send the pre-built bodies to
 * POST /v1/batch in order until every body is sent. A request succeeds only on 200 with `accepted` equal to
 * the events in its body; anything else is counted and described (the first few).
 */
import http from 'node:http';

export interface LoadOptions {
  port: number;
  writeKey: string;
  connections: number;
  bodies: Buffer[];
  counts: number[];
  requestTimeoutMs: number;
  /** Called after each response (progress display). */
  onResponse?: (done: number) => void;
}

export interface LoadResult {
  wallMs: number;
  requests: number;
  eventsAccepted: number;
  failures: number;
  /** Up to 10 failure descriptions. */
  failureSamples: string[];
  /** Per-request latency, ms, in completion order. */
  latenciesMs: Float64Array;
  bytesSent: number;
  /** Sockets the agent opened (keep-alive should hold it at `connections`). */
  socketsOpened: number;
}

interface Reply {
  status: number;
  text: string;
}

function post(agent: http.Agent, options: LoadOptions, auth: string, body: Buffer, onSocket: (socket: object) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: options.port,
        method: 'POST',
        path: '/v1/batch',
        timeout: options.requestTimeoutMs,
        headers: { authorization: auth, 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('socket', onSocket);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.requestTimeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  // Count the distinct sockets used (keep-alive should hold it at `connections`).
  const sockets = new WeakSet<object>();
  let socketsOpened = 0;
  const onSocket = (socket: object) => {
    if (sockets.has(socket)) return;
    sockets.add(socket);
    socketsOpened++;
  };
  const auth = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
  const latencies = new Float64Array(options.bodies.length);
  const failureSamples: string[] = [];
  let next = 0;
  let done = 0;
  let failures = 0;
  let eventsAccepted = 0;
  let bytesSent = 0;

  const fail = (index: number, why: string) => {
    failures++;
    if (failureSamples.length < 10) failureSamples.push(`request ${index}: ${why}`);
  };

  const worker = async () => {
    while (next < options.bodies.length) {
      const index = next++;
      const body = options.bodies[index]!;
      const expected = options.counts[index]!;
      const t0 = performance.now();
      try {
        const reply = await post(agent, options, auth, body, onSocket);
        latencies[done] = performance.now() - t0;
        bytesSent += body.length;
        let accepted: unknown;
        try {
          accepted = (JSON.parse(reply.text) as { accepted?: unknown }).accepted;
        } catch {
          accepted = undefined;
        }
        if (reply.status !== 200) fail(index, `HTTP ${reply.status} ${reply.text.slice(0, 300)}`);
        else if (accepted !== expected) fail(index, `accepted ${String(accepted)} of ${expected}: ${reply.text.slice(0, 300)}`);
        else eventsAccepted += expected;
      } catch (error) {
        latencies[done] = performance.now() - t0;
        fail(index, (error as Error).message);
      }
      done++;
      options.onResponse?.(done);
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.connections }, () => worker()));
  const wallMs = performance.now() - started;
  agent.destroy();
  return { wallMs, requests: done, eventsAccepted, failures, failureSamples, latenciesMs: latencies.subarray(0, done), bytesSent, socketsOpened };
}

/** Percentile (nearest rank) of an unsorted sample; the input is not modified. */
export function percentiles(values: Float64Array, ps: number[]): number[] {
  if (values.length === 0) return ps.map(() => Number.NaN);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
}
