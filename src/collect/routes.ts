import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { batchEnvelopeSchema, DROP_REASONS, incomingEventSchema } from '../core/events.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { errorResponseSchema } from '../server/error-schema.js';
import { CrumbtrailError } from '../core/errors.js';
import { registerRawBodyParsers } from './body-parser.js';
import type { CallType } from './pipeline/pipeline.js';
import { reviveError } from './worker/prepare-body.js';
import type { CollectWorkers } from './worker/worker-pool.js';
import type { WriteKeyAuth } from './write-key.js';

/** Every tracking path: Segment's names, analytics.js short forms, RudderStack's /v1/import. */
export const TRACKING_PATHS: Record<string, CallType> = {
  track: 'track',
  t: 'track',
  identify: 'identify',
  i: 'identify',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
  batch: 'batch',
  b: 'batch',
  import: 'batch',
};

export const ingestResponseSchema = z.object({
  success: z.literal(true),
  accepted: z.number().int().describe('Events stored durably by this request'),
  dropped: z.number().int().describe('Events dropped, total'),
  drops: z.partialRecord(z.enum(DROP_REASONS), z.number().int()).describe('Dropped events by reason'),
});

export interface CollectDeps {
  collectWorkers: CollectWorkers;
  ingestor: Ingestor;
  auth: WriteKeyAuth;
  clock: Clock;
}

/**
 * The tracking API. The body stays bytes until it is prepared: parsed, checked and encoded, on a collect worker
 * thread or on the event loop (src/collect/worker/). Then the write key is checked (it may be in the body) and the
 * handler waits for durability. Request schemas are documented from the same zod schemas the pipeline validates
 * with; validation itself happens in the pipeline (per event, with catalogued errors), not in Fastify.
 */
export async function collectRoutes(app: FastifyInstance, deps: CollectDeps): Promise<void> {
  registerRawBodyParsers(app);
  for (const [path, call] of Object.entries(TRACKING_PATHS)) {
    app.post(`/v1/${path}`, {
      schema: {
        tags: ['tracking'],
        summary: call === 'batch' ? 'Send many events (Segment batch)' : `Send one ${call} call`,
        hide: path.length === 1,
        body: call === 'batch' ? batchEnvelopeSchema : incomingEventSchema,
        response: { 200: ingestResponseSchema, '4XX': errorResponseSchema, 503: errorResponseSchema },
      },
      validatorCompiler: () => (data) => ({ value: data }),
      handler: async (request) => {
        const body = request.body;
        request.body = undefined; // held by nothing but the preparation from here on
        if (!Buffer.isBuffer(body)) {
          // No body at all: the key decides first, as for any request; then the body is what is wrong.
          await deps.auth.sourceFor(request, null);
          throw new CrumbtrailError('CT_INVALID_BODY', 'The body must be a JSON object.');
        }
        const prepared = await deps.collectWorkers.prepare(body, {
          contentEncoding: request.headers['content-encoding'],
          call,
          receivedAt: deps.clock.now(),
          requestIp: request.ip ?? null,
        });
        if (!prepared.ok && prepared.stage === 'parse') throw reviveError(prepared.error);
        const source = await deps.auth.sourceFor(request, prepared.bodyWriteKey);
        if (!prepared.ok) throw reviveError(prepared.error);
        const result = await deps.ingestor.ingestEncoded(prepared.request, source.sourceId, prepared.drops);
        return { success: true as const, ...result };
      },
    });
  }
}
