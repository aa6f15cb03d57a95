import pg from 'pg';

/**
 * Crumbtrail's advisory locks use the two-int4 key form: the first key is one of these classes ("CT" + n), the
 * second names the thing locked. That keeps them apart from each other, and from applications sharing the
 * database that use the single-bigint form, which PostgreSQL keeps in a separate key space.
 */
export const LOCK_CLASS = {
  migrations: 0x4354_0001,
  nodeClaim: 0x4354_0002,
  ingest: 0x4354_0003,
} as const;

/** A node claim lost because its connection died: another process may now hold the same node id. */
export type ClaimLostListener = (nodeId: string, error: Error) => void;

/**
 * Hold `nodeId` with a session-level advisory lock on a connection of its own, for as long as the process
 * runs. PostgreSQL releases the lock when that connection ends, so a crashed node never blocks its successor.
 * The connection is outside the pool: it is busy for the process's lifetime and must not be reaped as idle.
 */
export async function claimNodeLock(
  config: pg.ClientConfig,
  nodeId: string,
  onLost: ClaimLostListener,
): Promise<() => Promise<void>> {
  const client = new pg.Client(config);
  let released = false;
  client.on('error', (error) => {
    if (!released) onLost(nodeId, error);
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
      LOCK_CLASS.nodeClaim,
      nodeId,
    ]);
    if (!rows[0]?.locked) {
      throw new Error(
        `node id "${nodeId}" is already in use by another running Crumbtrail process; give each process its own CRUMBTRAIL_NODE_ID`,
      );
    }
  } catch (error) {
    released = true;
    await client.end().catch(() => {});
    throw error;
  }
  return async () => {
    if (released) return;
    released = true;
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS.nodeClaim, nodeId]);
    } finally {
      // Ending the session releases the lock even if the unlock above failed.
      await client.end().catch(() => {});
    }
  };
}

/**
 * The installation-wide ingest lock: one flush (dedupe → identity → append → apply) at a time across every node
 * sharing this database. A session-level advisory lock on a pooled client spans the flush's statements on other
 * clients; waiting for it blocks inside PostgreSQL, no polling. If the holder dies, PostgreSQL releases it.
 *
 * Flushes within one process queue here first, so each process has at most one client waiting on or holding
 * the lock: a crowd of waiters could otherwise take every pooled client and starve the holder's own work.
 * That queue makes the lock non-re-entrant: `work` must not call run() again (the ingestor's recovery inside a
 * flush calls its unlocked variant).
 */
export class IngestLock {
  private tail: Promise<void> = Promise.resolve();
  /** The fencing token of the current hold; null when this process does not hold the lock. */
  private epoch: number | null = null;

  constructor(private readonly pool: pg.Pool) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((resolve) => (done = resolve));
    await previous;
    try {
      return await this.runLocked(work);
    } finally {
      done();
    }
  }

  /**
   * Fencing, inside a state transaction: if this process's lock session died and another node has taken the
   * lock since, the epoch moved on and the commit must not happen (if the batch reached the event log, which
   * commits alongside, it is replayed under the lock; if not, the client was not answered and sends it again). Locking the epoch row also makes a newer holder's takeover wait for this commit.
   * Outside a hold (tests, migration imports) there is nothing to check.
   */
  async assertHeldIn(client: pg.ClientBase): Promise<void> {
    if (this.epoch === null) return;
    const { rows } = await client.query<{ epoch: string }>('SELECT epoch FROM ingest_epoch WHERE id = 1 FOR UPDATE');
    const current = Number(rows[0]!.epoch);
    if (current !== this.epoch) {
      throw new Error(`The ingest lock was lost (epoch ${this.epoch}, now ${current}): another node took over; the batch will be replayed`);
    }
  }

  private async runLocked<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client whose session dies emits 'error' between queries; unheard, that would crash the
    // process. The loss itself is handled by fencing (assertHeldIn) and by discarding the client below.
    const onError = () => {};
    client.on('error', onError);
    try {
      await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK_CLASS.ingest]);
      const { rows } = await client.query<{ epoch: string }>('UPDATE ingest_epoch SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch');
      this.epoch = Number(rows[0]!.epoch);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    try {
      return await work();
    } finally {
      this.epoch = null;
      try {
        await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_CLASS.ingest]);
        client.off('error', onError);
        client.release();
      } catch (error) {
        // Discard the connection: ending its session is what releases the lock now.
        client.release(error instanceof Error ? error : true);
      }
    }
  }
}
