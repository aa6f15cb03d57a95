import { parentPort, workerData } from 'node:worker_threads';
import { openGeoLookup } from '../geoip.js';
import { CollectPipeline } from '../pipeline/pipeline.js';
import { READY_ID, type JobMessage, type ReplyMessage, type WorkerSetup } from './collect-worker-protocol.js';
import { prepareBody } from './prepare-body.js';

/** A collect worker thread (see worker-pool.ts): bodies in, encoded requests out, their bytes transferred. */

const setup = workerData as WorkerSetup;
const pipeline = new CollectPipeline(setup.geoipDb ? await openGeoLookup(setup.geoipDb) : null);
const port = parentPort!;

port.on('message', (job: JobMessage) => {
  let reply: ReplyMessage;
  try {
    reply = { id: job.id, result: prepareBody(job.body, job, pipeline) };
  } catch (error) {
    // A bug, not bad input: this request fails (500, logged on the event loop); the thread goes on.
    reply = { id: job.id, failure: { message: (error as Error).message, stack: (error as Error).stack } };
  }
  const transfer = reply.result?.ok ? reply.result.request.chunks.map((chunk) => chunk.bytes.buffer as ArrayBuffer) : [];
  port.postMessage(reply, transfer);
});
port.postMessage({ id: READY_ID } satisfies ReplyMessage); // the pool sends bodies from now on
