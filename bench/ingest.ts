/**
 * Ingest benchmark (not a test): durable events/s of the real server on its embedded stores.
 *
 *   npm run bench:ingest -- [--events 1000000] [--batch-size 500] [--connections 8] [--profile]   (--help: all flags)
 *
 * Starts `crumbtrail start` as a child process on a fresh temp data folder, pre-generates Segment /v1/batch
 * bodies, sends them over N keep-alive connections, checks every answer and the stored count, and reports
 * throughput, latency, the server's peak RSS and CPU, next to a JSON.parse floor measured on the same bodies.
 * The last line of output is one JSON object. docs/benchmarks.md explains every figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureJsonParse } from './support/baseline.js';
import { formatProfile, newestProfile, summariseProfile } from './support/cpuprofile.js';
import { percentiles, runLoad } from './support/load.js';
import { parseServerMetrics } from './support/metrics.js';
import { parseOptions } from './support/options.js';
import { generatePayloads } from './support/payloads.js';
import { fmtInt, fmtMb, fmtMs, round, table, type Row } from './support/report.js';
import {
  freePort,
  getJson,
  procCpuSeconds,
  procMainThreadCpuSeconds,
  procMainThreadSchedSeconds,
  procStatusBytes,
  RssSampler,
  startServer,
  stopServer,
  waitHealthy,
  type ServerChild,
} from './support/server.js';
import { MB } from '../src/core/units.js';
import { PACKAGE_ROOT } from '../src/core/version.js';

const TARGETS = { eventsPerSecond: 50_000, aimEventsPerSecond: 100_000, rssBytes: 400 * MB };
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const WRITE_KEY = 'bench-write-key-0123456789abcdef';

const options = parseOptions();

const log = (line: string) => process.stderr.write(`${line}\n`);
let server: ServerChild | null = null;
let dataDir: string | null = null;

function cleanUp(): void {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
}

// Bounded: whatever happens, the bench and its server are gone after --timeout-s.
const deadline = setTimeout(() => {
  log(`bench: global timeout of ${options.timeoutS} s reached; killing the server`);
  cleanUp();
  process.exit(1);
}, options.timeoutS * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

async function main(): Promise<number> {
  const cpus = os.cpus();
  const machine = { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` };
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, ${machine.platform}`);

  // 1. Payloads, before any timing.
  let t = performance.now();
  const payloads = generatePayloads({ events: options.events, batchSize: options.batchSize, people: options.people, seed: options.seed });
  log(
    `payloads: ${fmtInt(payloads.events)} events in ${payloads.bodies.length} bodies, ${fmtMb(payloads.bytes)} ` +
      `(${(payloads.bytes / payloads.events).toFixed(0)} B/event), ${fmtInt(payloads.distinctIds)} distinct ids, ` +
      `generated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // 2. The CPU floor on the same strings.
  const baseline = measureJsonParse(payloads.bodies, payloads.events, payloads.bytes);
  log(`JSON.parse floor: ${fmtInt(baseline.eventsPerSecond)} events/s, ${baseline.megabytesPerSecond.toFixed(0)} MB/s (passes ${baseline.passesMs.map((m) => m.toFixed(0)).join(' / ')} ms)`);
  const bodies = payloads.bodies.map((b) => Buffer.from(b, 'utf8'));
  payloads.bodies.length = 0; // the strings are no longer needed

  // 3. The server.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crumbtrail-bench-'));
  if (options.profileDir) fs.mkdirSync(options.profileDir, { recursive: true });
  const port = await freePort();
  server = startServer({ repoRoot: PACKAGE_ROOT, port, dataDir, adminToken: ADMIN_TOKEN, writeKey: WRITE_KEY, profileDir: options.profileDir, env: options.serverEnv });
  const { ms: startupMs, engines } = await waitHealthy(server, port, 30_000);
  const idleRss = procStatusBytes(server.pid, 'VmRSS');
  log(`server: pid ${server.pid} on 127.0.0.1:${port}, healthy after ${startupMs.toFixed(0)} ms (${engines}), RSS ${fmtMb(idleRss)}${options.profileDir ? `, profiling into ${options.profileDir}` : ''}`);

  // 4. Load.
  const sampler = new RssSampler(server.pid);
  sampler.start(250);
  const serverCpuBefore = procCpuSeconds(server.pid);
  const mainCpuBefore = procMainThreadCpuSeconds(server.pid);
  const schedBefore = procMainThreadSchedSeconds(server.pid);
  const benchCpuBefore = process.cpuUsage();
  let nextTenth = 1;
  const result = await runLoad({
    port,
    writeKey: WRITE_KEY,
    connections: options.connections,
    bodies,
    counts: payloads.counts,
    requestTimeoutMs: 60_000,
    onResponse: (done) => {
      if (done >= (bodies.length * nextTenth) / 10) {
        log(`  ${nextTenth * 10}% (${fmtInt(done)} requests)`);
        nextTenth++;
      }
    },
  });
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const serverCpuAfter = procCpuSeconds(server.pid);
  const mainCpuAfter = procMainThreadCpuSeconds(server.pid);
  const eventLoop = eventLoopShares(schedBefore, procMainThreadSchedSeconds(server.pid), result.wallMs / 1000);
  sampler.stop();
  const hwm = procStatusBytes(server.pid, 'VmHWM');

  // 5. What the server says it stored.
  const stats = await getJson(port, '/api/stats', { authorization: `Bearer ${ADMIN_TOKEN}` });
  const stored = (stats.body as { events?: unknown }).events;
  const people = (stats.body as { people?: unknown }).people;
  const storedMatches = stats.status === 200 && stored === payloads.events;
  const metricsReply = await getJson(port, '/metrics', { authorization: `Bearer ${ADMIN_TOKEN}` });
  const metrics = metricsReply.status === 200 && typeof metricsReply.body === 'string' ? parseServerMetrics(metricsReply.body) : null;

  // 6. Graceful stop (flushes), then the profile if asked for.
  const stop = await stopServer(server, 60_000);
  log(`server: stopped in ${stop.ms.toFixed(0)} ms (exit ${stop.code ?? stop.signal}${stop.killed ? ', had to SIGKILL' : ''})`);
  let profileFile: string | null = null;
  if (options.profileDir) {
    profileFile = newestProfile(options.profileDir);
    if (profileFile) {
      log(`\nCPU profile of the server: ${profileFile}`);
      log(formatProfile(summariseProfile(profileFile, PACKAGE_ROOT), 25));
      log('');
    } else log('no .cpuprofile was written (did the server exit cleanly?)');
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;

  // 7. Report.
  const seconds = result.wallMs / 1000;
  const eventsPerSecond = result.eventsAccepted / seconds;
  const [p50, p99, max] = percentiles(result.latenciesMs, [50, 99, 100]) as [number, number, number];
  const peakRss = Math.max(sampler.peak, hwm ?? 0);
  const serverCpuSeconds = serverCpuBefore !== null && serverCpuAfter !== null ? serverCpuAfter - serverCpuBefore : Number.NaN;
  const mainCpuSeconds = mainCpuBefore !== null && mainCpuAfter !== null ? mainCpuAfter - mainCpuBefore : Number.NaN;
  const benchCpuSeconds = (benchCpu.user + benchCpu.system) / 1e6;
  const ratio = eventsPerSecond / baseline.eventsPerSecond;
  const failed = result.failures > 0 || !storedMatches || stop.code !== 0;

  const rows: Row[] = [
    { label: 'events sent / accepted', value: `${fmtInt(payloads.events)} / ${fmtInt(result.eventsAccepted)}` },
    { label: 'requests (batch size)', value: `${fmtInt(result.requests)} (${options.batchSize})` },
    { label: 'connections (sockets used)', value: `${options.connections} (${result.socketsOpened})` },
    { label: 'failed requests', value: fmtInt(result.failures), ok: result.failures === 0 },
    { label: 'wall time', value: `${seconds.toFixed(2)} s` },
    {
      label: 'throughput, durable',
      value: `${fmtInt(eventsPerSecond)} events/s`,
      target: `≥ ${fmtInt(TARGETS.eventsPerSecond)} (aim ${fmtInt(TARGETS.aimEventsPerSecond)})`,
      ok: eventsPerSecond >= TARGETS.eventsPerSecond,
    },
    { label: 'bandwidth', value: `${(result.bytesSent / MB / seconds).toFixed(1)} MB/s` },
    { label: 'latency p50 / p99 / max', value: `${fmtMs(p50)} / ${fmtMs(p99)} / ${fmtMs(max)}` },
    { label: 'server RSS idle / peak', value: `${fmtMb(idleRss)} / ${fmtMb(peakRss)}`, target: `≤ ${fmtMb(TARGETS.rssBytes)} on 2 cores`, ok: peakRss <= TARGETS.rssBytes },
    {
      label: 'server V8 heap used / total / external',
      value: metrics ? `${fmtMb(metrics.heapUsedBytes)} / ${fmtMb(metrics.heapTotalBytes)} / ${fmtMb(metrics.externalBytes)}` : 'n/a',
    },
    {
      label: 'group commits: flushes, mean size, mean time',
      value: metrics ? `${fmtInt(metrics.flushes)}, ${fmtInt(metrics.flushEventsAvg)} events, ${fmtMs(metrics.flushMsAvg)}` : 'n/a',
    },
    {
      label: 'a flush, mean ms: dedupe / identity / append / merges',
      value: metrics ? ['dedupe', 'identity', 'append', 'merges'].map((p) => (metrics.flushPhasesMs[p] ?? Number.NaN).toFixed(1)).join(' / ') : 'n/a',
    },
    { label: 'server CPU (cores busy)', value: `${serverCpuSeconds.toFixed(1)} s (${(serverCpuSeconds / seconds).toFixed(2)})` },
    { label: 'server CPU per event', value: `${((serverCpuSeconds * 1e6) / result.eventsAccepted).toFixed(1)} µs` },
    {
      label: 'of which on the event loop / other threads',
      value: `${((mainCpuSeconds * 1e6) / result.eventsAccepted).toFixed(1)} µs (${(mainCpuSeconds / seconds).toFixed(2)} cores) / ${(((serverCpuSeconds - mainCpuSeconds) * 1e6) / result.eventsAccepted).toFixed(1)} µs`,
    },
    {
      label: 'event loop running / waiting for a CPU / idle',
      value: eventLoop ? `${eventLoop.running} % / ${eventLoop.waiting} % / ${eventLoop.idle} %` : 'n/a',
    },
    { label: 'bench client CPU (cores busy)', value: `${benchCpuSeconds.toFixed(1)} s (${(benchCpuSeconds / seconds).toFixed(2)})` },
    { label: 'stored events (GET /api/stats)', value: `${fmtInt(Number(stored))} (${fmtInt(Number(people))} people)`, ok: storedMatches },
    { label: 'JSON.parse floor, same bodies', value: `${fmtInt(baseline.eventsPerSecond)} events/s, ${baseline.megabytesPerSecond.toFixed(0)} MB/s` },
    { label: 'server ÷ JSON.parse', value: `${(ratio * 100).toFixed(1)} %  (1 : ${(1 / ratio).toFixed(1)})` },
    { label: 'stores', value: engines },
    { label: 'machine', value: `${machine.cpus} × ${machine.cpuModel}, node ${machine.node}` },
  ];
  process.stdout.write(`\n${table('crumbtrail ingest benchmark', rows)}\n`);
  if (result.failureSamples.length > 0) process.stdout.write(`\nfailures (first ${result.failureSamples.length}):\n  ${result.failureSamples.join('\n  ')}\n`);
  if (!storedMatches) process.stdout.write(`\nGET /api/stats answered ${stats.status}: ${JSON.stringify(stats.body).slice(0, 300)}\n`);
  if (stop.code !== 0) process.stdout.write(`\nserver output:\n${server.output().slice(-4000)}\n`);

  const summary = {
    bench: 'ingest',
    ok: !failed,
    events: payloads.events,
    batchSize: options.batchSize,
    connections: options.connections,
    eventBytesAvg: round(payloads.bytes / payloads.events, 0),
    wallSeconds: round(seconds, 3),
    eventsPerSecond: Math.round(eventsPerSecond),
    megabytesPerSecond: round(result.bytesSent / MB / seconds, 1),
    latencyMs: { p50: round(p50), p99: round(p99), max: round(max) },
    failures: result.failures,
    storedEvents: stored,
    storedMatches,
    serverRssMb: { idle: idleRss === null ? null : round(idleRss / MB, 0), peak: round(peakRss / MB, 0), vmHwm: hwm === null ? null : round(hwm / MB, 0) },
    serverHeapMb: metrics ? { used: round(metrics.heapUsedBytes / MB, 0), total: round(metrics.heapTotalBytes / MB, 0), external: round(metrics.externalBytes / MB, 0) } : null,
    flushes: metrics
      ? {
          count: metrics.flushes,
          eventsAvg: round(metrics.flushEventsAvg, 0),
          msAvg: round(metrics.flushMsAvg, 1),
          phasesMs: Object.fromEntries(Object.entries(metrics.flushPhasesMs).map(([phase, ms]) => [phase, round(ms, 1)])),
        }
      : null,
    serverCpuSeconds: round(serverCpuSeconds, 1),
    serverCpuUsPerEvent: round((serverCpuSeconds * 1e6) / result.eventsAccepted, 1),
    mainThreadCpuUsPerEvent: round((mainCpuSeconds * 1e6) / result.eventsAccepted, 1),
    eventLoopPercent: eventLoop,
    benchCpuSeconds: round(benchCpuSeconds, 1),
    jsonParse: { eventsPerSecond: Math.round(baseline.eventsPerSecond), megabytesPerSecond: round(baseline.megabytesPerSecond, 0) },
    ratioToJsonParse: round(ratio, 4),
    targets: { eventsPerSecond: TARGETS.eventsPerSecond, aimEventsPerSecond: TARGETS.aimEventsPerSecond, rssMb: TARGETS.rssBytes / MB },
    stores: engines,
    profile: profileFile,
    machine,
  };
  process.stdout.write(`\n${JSON.stringify(summary)}\n`);
  return failed ? 1 : 0;
}

/**
 * Shares of the load's wall time the server's main thread spent running, runnable but waiting for a CPU (the
 * machine's other threads had the cores), and asleep (nothing to do: it waited on DuckDB's threads or the clients).
 */
function eventLoopShares(
  before: { running: number; waiting: number } | null,
  after: { running: number; waiting: number } | null,
  wallSeconds: number,
): { running: number; waiting: number; idle: number } | null {
  if (!before || !after) return null;
  const running = (after.running - before.running) / wallSeconds;
  const waiting = (after.waiting - before.waiting) / wallSeconds;
  return { running: round(running * 100, 0), waiting: round(waiting * 100, 0), idle: round(Math.max(0, 1 - running - waiting) * 100, 0) };
}

main().then(
  (code) => {
    clearTimeout(deadline);
    cleanUp();
    process.exit(code);
  },
  (error: unknown) => {
    log(`bench failed: ${(error as Error).stack ?? String(error)}`);
    cleanUp();
    process.exit(1);
  },
);
