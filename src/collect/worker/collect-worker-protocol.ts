import type { BodyJob, PreparedBody } from './prepare-body.js';

/** What the pool and its threads say to each other (worker-pool.ts, collect-worker.ts). */

export interface WorkerSetup {
  geoipDb: string | null;
}

export interface JobMessage extends BodyJob {
  id: number;
  /** The request body; its buffer is transferred. */
  body: Uint8Array;
}

/** A job's answer (its chunks' buffers transferred), or, with READY_ID, "loaded and listening". */
export interface ReplyMessage {
  id: number;
  result?: PreparedBody;
  /** A bug, not bad input. */
  failure?: { message: string; stack?: string };
}

export const READY_ID = 0;
