import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { describe, it } from 'node:test';
import { ManualClock } from '../src/core/clock.js';
import { derivePersonId } from '../src/core/ids.js';
import { createLogger } from '../src/core/logger.js';
import { createRuntime } from '../src/server/runtime.js';
import { ADMIN_TOKEN, allocateTestStores, testConfig, testEnv, WRITE_KEY, type TestStores } from './support/server.js';
import { preparedEvent } from './support/events.js';

const ROOT = new URL('..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The real CLI in a child process, so it can be killed with SIGKILL. */
async function spawnServer(stores: TestStores, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--port', String(port), '--host', '127.0.0.1', '--data', stores.dataDir], {
    cwd: ROOT,
    env: testEnv(stores),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy: ${stderr}`);
}

const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

/** A `crumbtrail start` child on fresh stores and a fixed port, restartable on the same stores. */
class ChildServer {
  private constructor(
    private readonly stores: TestStores,
    private readonly port: number,
    public child: ChildProcess,
  ) {}

  static async start(): Promise<ChildServer> {
    const stores = await allocateTestStores();
    const port = await freePort();
    return new ChildServer(stores, port, await spawnServer(stores, port));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.child = await spawnServer(this.stores, this.port);
  }

  postBatch(n: number): Promise<Response> {
    return fetch(`${this.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify(batchFor(n)),
    });
  }

  async admin(pathname: string): Promise<Response> {
    return fetch(this.url + pathname, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  }

  async dispose(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.stores.cleanup();
  }
}

function batchFor(n: number) {
  return {
    batch: Array.from({ length: 50 }, (_, i) => ({
      type: 'track',
      userId: `durable-${n}`,
      event: 'Durable Event',
      messageId: `durable-${n}-${i}`,
      properties: { n, i },
    })),
  };
}

describe('durability', () => {
  it('keeps every acknowledged event through kill -9 and a restart, and still deduplicates them', async () => {
    const server = await ChildServer.start();
    try {
      const acknowledged: number[] = [];
      const inFlight: Promise<void>[] = [];
      for (let n = 0; n < 60; n++) {
        inFlight.push(
          server
            .postBatch(n)
            .then(async (res) => {
              if (res.status === 200 && (await res.json()).accepted === 50) acknowledged.push(n);
            })
            .catch(() => {}),
        );
        if (n === 40) {
          // Kill while the last requests are still in flight: whatever was acknowledged must survive.
          await Promise.all(inFlight.slice(0, 30));
          server.child.kill('SIGKILL');
        }
      }
      await Promise.all(inFlight);
      const { child } = server;
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
      assert.ok(acknowledged.length >= 30, `at least the first 30 batches were acknowledged (got ${acknowledged.length})`);

      await server.restart();
      for (const n of acknowledged) {
        const res = await server.admin(`/api/people?userId=durable-${n}`);
        assert.equal(res.status, 200, `batch ${n} was acknowledged but its person is missing`);
        assert.equal((await res.json()).eventCounts['Durable Event'], 50, `batch ${n} is complete`);
      }
      const resend = await server.postBatch(acknowledged[0]!);
      assert.deepEqual(await resend.json(), { success: true, accepted: 0, dropped: 50, drops: { duplicate: 50 } });
      const stats = await (await server.admin('/api/stats')).json();
      assert.equal(stats.events % 50, 0, 'no batch was half-written');
    } finally {
      await server.dispose();
    }
  });

  it('replays event-log batches the state store missed (a crash between the two writes)', async () => {
    const stores = await allocateTestStores();
    const config = testConfig(stores);
    // The clock sits an hour after the events' receivedAt, inside the dedup window.
    const options = { logger: createLogger('silent'), defaultMetrics: false, clock: new ManualClock(Date.UTC(2026, 0, 1, 1)) };
    try {
      let runtime = await createRuntime(config, options);
      await runtime.ingestor.ingest([preparedEvent({ messageId: 'before-crash', userId: 'zoe', anonymousId: null })], {});
      // Simulate the crash window: the batch reached the event log, the state transaction never ran.
      const orphanSeq = (await runtime.events.maxBatchSeq('local')) + 1;
      const orphan = { ...preparedEvent({ messageId: 'orphan', userId: 'yuri', anonymousId: 'yuri-anon', type: 'identify', event: null }), personId: 'placeholder', nodeId: 'local', batchSeq: orphanSeq };
      orphan.personId = derivePersonId('local', orphanSeq, 'user:yuri');
      await runtime.events.append([orphan]);
      await runtime.close();

      runtime = await createRuntime(config, options);
      try {
        assert.equal(await runtime.state.appliedBatchSeq('local'), orphanSeq);
        const yuri = await runtime.state.findPersonId({ userId: 'yuri' });
        assert.equal(yuri, orphan.personId, 'the replay derives the same person id the event log holds');
        assert.equal(await runtime.state.findPersonId({ anonymousId: 'yuri-anon' }), orphan.personId);
        const result = await runtime.ingestor.ingest([preparedEvent({ messageId: 'orphan', userId: 'yuri' })], {});
        assert.deepEqual(result, { accepted: 0, dropped: 1, drops: { duplicate: 1 } });
      } finally {
        await runtime.close();
      }
    } finally {
      await stores.cleanup();
    }
  });

  it('copies merges the state store holds into the event log (a crash after the state transaction, before the log)', async () => {
    const stores = await allocateTestStores();
    const config = testConfig(stores);
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 1));
    const options = { logger: createLogger('silent'), defaultMetrics: false, clock };
    try {
      let runtime = await createRuntime(config, options);
      await runtime.ingestor.ingest(
        [
          preparedEvent({ messageId: 'visit', userId: null, anonymousId: 'tab-1' }),
          preparedEvent({ messageId: 'login', userId: 'ulla', anonymousId: null }),
        ],
        {},
      );
      const visitor = (await runtime.state.findPersonId({ anonymousId: 'tab-1' }))!;
      const ulla = (await runtime.state.findPersonId({ userId: 'ulla' }))!;
      assert.notEqual(visitor, ulla);
      // The crash window: a batch's state transaction (merging the visitor into Ulla) committed while the event
      // log's commit, running alongside it, never finished.
      const seq = (await runtime.state.appliedBatchSeq('local')) + 1;
      await runtime.state.applyBatch({ nodeId: 'local', batchSeq: seq, newPersons: [], links: [], merges: [{ from: visitor, to: ulla, at: clock.now() }], profiles: [], drops: {} });
      assert.deepEqual(await runtime.events.listAliases(), []);
      await runtime.close();

      runtime = await createRuntime(config, options);
      try {
        assert.deepEqual(
          (await runtime.events.listAliases()).map(({ from, to }) => ({ from, to })),
          [{ from: visitor, to: ulla }],
          'recovery copied the merge into the log',
        );
        assert.deepEqual(await runtime.events.resolveAliases([visitor]), new Map([[visitor, ulla]]));
        // The next batch takes a sequence number after the state's, not after the log's.
        await runtime.ingestor.ingest([preparedEvent({ messageId: 'after', userId: 'ulla', anonymousId: null })], {});
        assert.equal(await runtime.state.appliedBatchSeq('local'), seq + 1);
        assert.equal(await runtime.events.maxBatchSeq('local'), seq + 1);
      } finally {
        await runtime.close();
      }
    } finally {
      await stores.cleanup();
    }
  });

  it('flushes everything on graceful shutdown (SIGTERM)', async () => {
    const server = await ChildServer.start();
    try {
      assert.equal((await server.postBatch(1000)).status, 200);
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      server.child.kill('SIGTERM');
      assert.equal(await exited, 0, 'clean exit');
      await server.restart();
      const person = await server.admin('/api/people?userId=durable-1000');
      assert.equal((await person.json()).eventCounts['Durable Event'], 50);
    } finally {
      await server.dispose();
    }
  });
});
