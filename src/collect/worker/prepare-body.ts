import { CrumbtrailError, type ErrorCode } from '../../core/errors.js';
import { encodeRequest, type EncodedRequest } from '../../ingest/encoded-request.js';
import { parseJsonBody } from '../body-parser.js';
import type { CallType, CollectPipeline, DropCounts } from '../pipeline/pipeline.js';

/** What a tracking request's body needs besides its bytes. */
export interface BodyJob {
  contentEncoding: string | undefined;
  call: CallType;
  receivedAt: number;
  requestIp: string | null;
}

/** A CrumbtrailError as it crosses threads (structured clone keeps no class). */
export interface ErrorRecord {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/**
 * A body made into a request for the ingestor, or why it could not be. Failures of the body as JSON (stage `parse`)
 * are reported first, as they were when Fastify parsed bodies; failures of its events (stage `events`) only after
 * the write key is checked, as before, so a client with a wrong key learns that first.
 */
export type PreparedBody =
  | { ok: true; bodyWriteKey: string | null; request: EncodedRequest; drops: DropCounts }
  | { ok: false; bodyWriteKey: string | null; stage: 'parse' | 'events'; error: ErrorRecord };

/** Decompress, decode, parse, check, normalise and encode one body (a collect worker's job, or the event loop's). */
export function prepareBody(raw: Uint8Array, job: BodyJob, pipeline: CollectPipeline): PreparedBody {
  let body: unknown;
  try {
    body = parseJsonBody(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), job.contentEncoding);
  } catch (error) {
    return { ok: false, bodyWriteKey: null, stage: 'parse', error: errorRecord(error) };
  }
  const bodyWriteKey = writeKeyInBody(body);
  try {
    // The source is only known once the write key is checked; the ingestor gives the batch its source.
    const prepared = pipeline.prepare(body, job.call, { sourceId: '', receivedAt: job.receivedAt, requestIp: job.requestIp });
    return { ok: true, bodyWriteKey, request: encodeRequest(prepared.events, job.receivedAt), drops: prepared.drops };
  } catch (error) {
    return { ok: false, bodyWriteKey, stage: 'events', error: errorRecord(error) };
  }
}

/** analytics.js puts the write key in a text/plain body (no preflight, no header). */
function writeKeyInBody(body: unknown): string | null {
  const key = body !== null && typeof body === 'object' ? (body as { writeKey?: unknown }).writeKey : undefined;
  return typeof key === 'string' && key !== '' ? key : null;
}

function errorRecord(error: unknown): ErrorRecord {
  if (error instanceof CrumbtrailError) return { code: error.code, message: error.message, details: error.details };
  throw error; // a bug, not bad input: the caller's crash handling reports it
}

export function reviveError(record: ErrorRecord): CrumbtrailError {
  const error = new CrumbtrailError(record.code, undefined, record.details);
  error.message = record.message;
  return error;
}
